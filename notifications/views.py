"""Pages: a person's own chat robots, and a contract's team chat robot."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contracts.access import access_contract
from contracts.selectors import user_can_change_contract
from core.forms import apply_errors

from .forms import ChatChannelForm, TeamChannelForm
from .models import ChatChannel
from .services import chat_channel_add, chat_channel_remove, contract_channel_clear, contract_channel_set


@login_required
@require_http_methods(["GET", "POST"])
def my_chat_channels(request: HttpRequest) -> HttpResponse:
    form = ChatChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            chat_channel_add(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The chat robot was added. Your next reminders go there too."))
            return redirect("notifications:my_chat_channels")
    channels = ChatChannel.objects.filter(user=request.user)
    return render(request, "notifications/my_chat_channels.html", {"form": form, "channels": channels})


@login_required
@require_POST
def my_chat_channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    chat_channel_remove(user=request.user, pk=pk)
    messages.success(request, _("The chat robot was removed."))
    return redirect("notifications:my_chat_channels")


@login_required
@require_http_methods(["GET", "POST"])
def contract_chat_channel(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, to="change" if request.method == "POST" else "view")
    channel = ChatChannel.objects.filter(contract=contract).first()
    initial = {"kind": channel.kind, "url": channel.url, "language": channel.language} if channel else {}
    form = TeamChannelForm(request.POST or None, initial=initial or {"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            contract_channel_set(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The contract's team chat robot was saved."))
            return redirect("notifications:contract_chat_channel", pk=contract.pk)
    context = {
        "contract": contract,
        "channel": channel,
        "form": form,
        "can_change": user_can_change_contract(request.user, contract),
    }
    return render(request, "notifications/contract_chat_channel.html", context)


@login_required
@require_POST
def contract_chat_channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, to="change")
    contract_channel_clear(contract=contract)
    messages.success(request, _("The contract's team chat robot was removed."))
    return redirect("notifications:contract_chat_channel", pk=contract.pk)
