"""Which contract files a user has had read: only their own (nobody else learns that an upload exists)."""

from django.db.models import QuerySet

from accounts.models import AnyUser

from .models import Extraction


def extractions_visible_to(user: AnyUser) -> QuerySet[Extraction]:
    if not (user and user.is_authenticated and user.is_active):
        return Extraction.objects.none()
    return Extraction.objects.filter(owner_id=user.pk)
