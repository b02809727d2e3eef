"""The unified social credit code (统一社会信用代码) of GB 32100-2015: its check character, what is wrong with one."""

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a credit code (ValueError on a foreign character)."""
    if len(first17) != 17:
        raise ValueError("a credit code body has 17 characters")
    total = sum(CREDIT_CODE_CHARSET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(code: str) -> str:
    return (code or "").strip().upper()


def credit_code_problem(code: str) -> str | None:
    """None when `code` is a valid credit code, else a short machine reason: length, charset or check_digit."""
    code = normalize_credit_code(code)
    if len(code) != 18:
        return "length"
    if any(ch not in CREDIT_CODE_CHARSET for ch in code):
        return "charset"
    if credit_code_check_char(code[:17]) != code[17]:
        return "check_digit"
    return None
