"""Reads about a user's own credentials: when an API token stops working."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .models import User


def api_token_expires(token: Token) -> datetime:
    """A token works for API_TOKEN_TTL_DAYS after it was issued; signing in again within that time returns the same
    token, so a script that signs in on every run does not lock its other runs out."""
    return token.created + timedelta(days=settings.API_TOKEN_TTL_DAYS)


def api_token_expired(token: Token, *, now: datetime | None = None) -> bool:
    return api_token_expires(token) <= (now or timezone.now())


def api_token_of(user: User) -> Token | None:
    """The user's API token, expired or not (one per user); None when they have none."""
    return Token.objects.filter(user=user).first()
