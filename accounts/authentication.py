"""API authentication by token, with the token's expiry."""

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .selectors import api_token_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a token past its expiry (API_TOKEN_TTL_DAYS) is refused with 401.

    A key with a NUL character is refused before the lookup: PostgreSQL cannot even compare such text, so the query
    would fail with a server error instead of a 401.
    """

    def authenticate_credentials(self, key):
        if "\x00" in key:
            raise AuthenticationFailed(_("Invalid token."))
        user, token = super().authenticate_credentials(key)
        if api_token_expired(token):
            raise AuthenticationFailed(_("This token has expired. Sign in at POST /api/v1/auth/token/ for a new one."))
        return user, token
