"""Contract documents on the pages: upload one, download one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contracts.access import PAGE_RELATED, access_contract, access_document
from contracts.forms import (
    DocumentForm,
)
from contracts.services.documents import document_file_response, document_upload
from core.flash import flash_form_errors

from .common import error_message


@login_required
@require_POST
def document_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access_contract(request.user, pk, to="change", related=PAGE_RELATED)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = document_upload(
                contract=contract,
                by=request.user,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            messages.error(request, error_message(exc))
        else:
            messages.success(request, _("%(name)s was uploaded.") % {"name": document.original_name})
    else:
        flash_form_errors(request, form)
    return redirect(f"{reverse('contracts:detail', args=[contract.pk])}?tab=documents")


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    return document_file_response(access_document(request.user, pk))
