"""Request guards that apply to every page and API endpoint alike."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


class RefuseNullCharactersMiddleware:
    """A request with a NUL character in its query string (a name or a value) or in a header is answered 400 before
    any view sees it.

    PostgreSQL cannot even compare text with a NUL character, so any such value that reaches a query fails with a
    server error: a list filter or search term, the session cookie, the User-Agent that the sign-in lockout records.
    No browser, form or link ever sends one, so one check here covers them all, present and future. The
    Authorization header is left to the API's authentication, which refuses such a token with 401 like any other
    wrong credential. API clients get the error as JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_null_characters(request):
            message = _("The request contains a NUL character in its query string or headers.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "null_characters"}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_null_characters(request) -> bool:
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return True
    return any(
        "\x00" in value
        for key, value in request.META.items()
        if key.startswith("HTTP_") and key != "HTTP_AUTHORIZATION" and isinstance(value, str)
    )
