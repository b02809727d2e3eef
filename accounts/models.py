import secrets

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.formatting import person_label


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class User(AbstractUser):
    """A clm user. Language and e-mail mode drive reminders; the calendar token unlocks the private .ics feed."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", _("Simplified Chinese")
        EN = "en", _("English")

    class EmailMode(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediate e-mails")
        DIGEST = "digest", _("One daily digest")

    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.ZH_HANS)
    email_mode = models.CharField(
        _("e-mail mode"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    calendar_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, default=new_calendar_token, editable=False
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        # Pickers, the share dialog and the admin tell people apart by name and user name: 李晓敏（lixm）.
        return person_label(self)


class Role(models.TextChoices):
    """The four role groups of the product; each is a Django group created by a migration."""

    PROCUREMENT_MANAGER = "procurement_manager", _("Procurement manager")
    PROCUREMENT_STAFF = "procurement_staff", _("Procurement staff")
    LEGAL = "legal", _("Legal")
    AUDITOR = "auditor", _("Auditor")


ROLE_LABELS = dict(Role.choices)
"""Group name -> the role's translated name (采购经理 / Procurement manager): what people read instead of a code."""


def role_label(group_name: str) -> str:
    """The translated name of a role group; a group that is not one of the roles keeps its own name."""
    return str(ROLE_LABELS.get(group_name, group_name))


def role_labels(user) -> list[str]:
    """The translated names of the user's role groups, in the order of Role."""
    names = {group.name for group in user.groups.all()}
    ordered = [role for role in ROLE_LABELS if role in names] + sorted(names - set(ROLE_LABELS))
    return [role_label(name) for name in ordered]


AnyUser = User | AnonymousUser
"""Who is asking, signed in or not: what the selectors and access functions take."""
