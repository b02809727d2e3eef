"""Account pages: the language switch, the sign-in lockout page and the user's own settings (preferences, password,
API token, calendar feed)."""

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
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

from .forms import PasswordChangeForm, PreferencesForm
from .selectors import api_token_expired, api_token_expires, api_token_of, owner_choices_for, share_choices_for
from .services import api_tokens_revoke, calendar_token_reset, password_set, user_settings_update


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
    return _settings_page(request, form=form)


def _settings_page(request: HttpRequest, *, form=None, password_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    token = api_token_of(user)
    context = {
        "form": form or PreferencesForm(initial={"language": user.language, "email_mode": user.email_mode}),
        "password_form": password_form or PasswordChangeForm(user),
        "feed_url": feed_url_for(user),
        "api_token_expires": api_token_expires(token) if token else None,
        "api_token_expired": api_token_expired(token) if token else False,
    }
    return render(request, "accounts/settings.html", context, status=status)


@login_required
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST)
    if not form.is_valid():
        return _settings_page(request, password_form=form, status=400)
    password_set(user=request.user, password=form.cleaned_data["new_password1"])
    # This browser stays signed in; other sessions of the user end with the old password.
    update_session_auth_hash(request, request.user)
    messages.success(request, _("Your password was changed. Your API token was revoked with the old password."))
    return redirect("accounts:settings")


@login_required
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    api_tokens_revoke(user=request.user)
    messages.success(request, _("Your API token was revoked and no longer works. Programs must sign in again."))
    return redirect("accounts:settings")


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
