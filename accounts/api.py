"""API sign-in: exchange a user name and password for a token, under the same lockout as the sign-in page."""

import logging

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

logger = logging.getLogger(__name__)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class ObtainTokenView(APIView):
    """POST {"username", "password"} -> {"token"}; send it back as `Authorization: Token <token>`.

    Password guessing is stopped by django-axes: the request goes through `authenticate()`, which counts every
    failure per user name and address; once locked out, even the right password gets 429 until the cool-off ends.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
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
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
