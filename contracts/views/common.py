"""What contract pages share: wording a service's refusal for a message."""

from django.core.exceptions import ValidationError

VALUES_FOR_CLIENTS = frozenset({"earliest_date"})


def error_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            # Values for API clients (the earliest termination date) restate what the message already says.
            return " ".join(m for key, ms in exc.message_dict.items() if key not in VALUES_FOR_CLIENTS for m in ms)
        return " ".join(exc.messages)
    return str(getattr(exc, "message", exc))
