"""API sign-in: exchange a user name and password for a token, under the same lockout as the sign-in page; and
revoke it."""

import logging

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import api_token_expires
from .services import api_token_obtain, api_tokens_revoke

logger = logging.getLogger(__name__)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField(help_text="When the token stops working (401).")


class ObtainTokenView(APIView):
    """POST {"username", "password"} -> {"token", "expires"}; send it back as `Authorization: Token <token>`.

    The same token comes back on every sign-in until it expires (API_TOKEN_TTL_DAYS after it was issued); after that
    it answers 401 and the next sign-in issues a new one. A new password or a revocation ends it at once.

    Password guessing is stopped by django-axes: the request goes through `authenticate()`, which counts every
    failure per user name and address; once locked out, even the right password gets 429 until the cool-off ends.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Wrong user name or password."),
            429: OpenApiResponse(description="Locked out after too many failed attempts."),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request=request, **serializer.validated_data)
        if getattr(request, "axes_locked_out", False):
            logger.warning("API token refused: %s is locked out", serializer.validated_data["username"])
            return Response(
                {
                    "detail": _("Too many failed sign-in attempts. Wait a while before trying again."),
                    "code": "locked_out",
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": [_("The user name or password is not correct.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        # A token is a sign-in: last_login is updated and axes clears the failures counted against this user.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        token = api_token_obtain(user=user)
        return Response(TokenResponseSerializer({"token": token.key, "expires": api_token_expires(token)}).data)


class RevokeTokenView(APIView):
    """POST: the caller's API token stops working at once (401); the next sign-in issues a new one."""

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="Revoked (also when there was no token).")},
    )
    def post(self, request):
        api_tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
