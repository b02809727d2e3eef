"""Account pages: the language switch, the sign-in lockout page and the user's own settings."""

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .forms import PreferencesForm
from .models import User


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, plus: a signed-in user keeps the choice for e-mails and the next sign-in."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
    return response


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes lockout page (AXES_LOCKOUT_CALLABLE): says why sign-in failed and how long to wait."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 0
    context = {"failure_limit": get_failure_limit(request, credentials), "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


@login_required
def user_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        response = redirect("accounts:settings")
        # The saved language wins over an older choice in the cookie.
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
        translation.activate(user.language)
        messages.success(request, _("Your settings were saved."))
        return response
    return render(request, "accounts/settings.html", {"form": form})
