"""Sharing a contract with a user or a group, on its own page or in the contract page's dialog."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contracts.access import PAGE_RELATED, access_contract
from contracts.forms import (
    ShareForm,
)
from contracts.selectors import (
    contract_shares,
)
from contracts.services.sharing import contract_share
from core.forms import apply_errors


@login_required
def contract_share_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, to="share", related=PAGE_RELATED)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = form.cleaned_data.get("group")
        try:
            contract_share(
                contract=contract,
                by=request.user,
                user=form.cleaned_data.get("user") or None,
                group=group.name if group else None,
                permission=form.cleaned_data["permission"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Sharing was updated."))
            if not request.htmx:
                return redirect(contract)
            form = ShareForm()
    template = "contracts/_share.html" if request.htmx else "contracts/share.html"
    return render(request, template, {"contract": contract, "form": form, "shares": contract_shares(contract)})
