"""The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters, the last a check character.

The same algorithm as the vendor register's, kept here so the engine imports no Django app.
"""

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a credit code (ValueError on a foreign character)."""
    if len(first17) != 17:
        raise ValueError("a credit code body has 17 characters")
    total = sum(CHARSET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None when `code` is a valid credit code, else "length", "charset" or "check_digit"."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return "length"
    if any(ch not in CHARSET for ch in code):
        return "charset"
    if credit_code_check_char(code[:17]) != code[17]:
        return "check_digit"
    return None
