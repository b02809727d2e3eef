"""API authentication by token."""

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication.

    A key with a NUL character is refused before the lookup: PostgreSQL cannot even compare such text, so the query
    would fail with a server error instead of a 401.
    """

    def authenticate_credentials(self, key):
        if "\x00" in key:
            raise AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(key)
