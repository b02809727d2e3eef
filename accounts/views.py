"""Account pages: the language switch, the sign-in lockout page and the user's own settings."""

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from core.formatting import person_label
from core.forms import apply_errors
from obligations.feeds import feed_url_for

from .forms import PreferencesForm
from .selectors import owner_choices_for, share_choices_for
from .services import calendar_token_reset, user_settings_update


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, plus: a signed-in user keeps the choice for e-mails and the next sign-in."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.language != language:
        user_settings_update(user=user, language=language)
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
    initial = {"language": user.language, "email_mode": user.email_mode}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_settings_update(user=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            response = redirect("accounts:settings")
            # The saved language wins over an older choice in the cookie.
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            translation.activate(user.language)
            messages.success(request, _("Your settings were saved."))
            return response
    return render(request, "accounts/settings.html", {"form": form, "feed_url": feed_url_for(user)})


@login_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    calendar_token_reset(user=request.user)
    messages.success(request, _("Your calendar feed has a new address. The old address no longer works."))
    return redirect("accounts:settings")


def _picker_text(request: HttpRequest) -> str:
    return request.GET.get("q", "")[:150]


@login_required
@require_GET
def owner_autocomplete(request: HttpRequest) -> JsonResponse:
    """The contract owner picker: up to 20 users who may own a contract, matching `q`; value = user id."""
    users = owner_choices_for(request.user, _picker_text(request))
    return JsonResponse({"results": [{"value": str(u.pk), "label": person_label(u)} for u in users]})


@login_required
@require_GET
def user_autocomplete(request: HttpRequest) -> JsonResponse:
    """The share dialog's user picker: up to 20 active users matching `q`; value = user name."""
    users = share_choices_for(request.user, _picker_text(request))
    return JsonResponse({"results": [{"value": u.username, "label": person_label(u)} for u in users]})
