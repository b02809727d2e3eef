"""What contract pages share: wording a service's refusal for a message."""

from django.core.exceptions import ValidationError


def error_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(getattr(exc, "message", exc))
