"""The web log's line for a refused request: one line naming the user and the path, without a traceback.

Django logs a 404 raised as Http404 and a 403 raised as PermissionDenied on `django.request` with the exception's
traceback, and an API's 401/403 and a CSRF refusal without the user. A refusal is an expected answer, not an error:
this filter (LOGGING in clm/settings.py) rewrites those records to one line, `403 Forbidden: GET /path (user buyer1)`.
"""

import logging

REFUSED_STATUSES = frozenset({401, 403, 404})


def _who(request) -> str:
    user = getattr(request, "user", None)
    try:
        if user is not None and user.is_authenticated:
            return user.get_username()
    except Exception:  # the log line must not fail because the session or database cannot be read
        return "unknown"
    return "anonymous"


class RefusedRequestFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        request = getattr(record, "request", None)
        # Logging configured twice in one process (runserver) leaves two of these on a logger: rewrite once.
        if status not in REFUSED_STATUSES or request is None or getattr(record, "refusal_rewritten", False):
            return True
        record.refusal_rewritten = True
        reason = record.getMessage().split(":", 1)[0]
        record.msg = "%s %s: %s %s (user %s)"
        record.args = (status, reason, request.method, request.path, _who(request))
        record.exc_info = record.exc_text = record.stack_info = None
        return True
