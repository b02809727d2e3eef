"""Contract documents on the pages: upload one, download one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contracts.forms import (
    DocumentForm,
)
from contracts.selectors import (
    documents_visible_to,
)
from contracts.services.documents import document_file_response, document_upload
from core.flash import flash_form_errors

from .common import changeable_contract, error_message


@login_required
@require_POST
def document_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = changeable_contract(request, pk)
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
    return document_file_response(get_object_or_404(documents_visible_to(request.user), pk=pk))
