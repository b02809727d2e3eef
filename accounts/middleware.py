from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Use the signed-in user's saved language on pages unless the request chose one explicitly (cookie).

    API calls are left alone: an API client states its language with Accept-Language, as token clients do.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.language
            and not request.path.startswith("/api/")
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
