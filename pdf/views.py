"""The "PDF" buttons on the contract page: the same document as the API.

The response is inline, so the link opened in a tab shows the document; the page's buttons carry `download` and save
it under its file name (number and language).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from amendments.access import access_amendment
from contracts.access import access_contract

from .language import document_language, interface_document_language
from .rendering import RenderError, RenderTimeout, render_amendment_pdf, render_contract_pdf


@login_required
@require_GET
def contract_pdf(request, pk: int):
    contract = access_contract(request.user, pk, related=("vendor",))
    requested = request.GET.get("lang", "")
    language = document_language(requested)
    if language is None:
        if requested.strip():
            messages.error(request, _("Choose zh-hans or en."))
            return redirect(contract.get_absolute_url())
        language = interface_document_language()
    try:
        pdf = render_contract_pdf(contract, language=language)
    except RenderTimeout:
        messages.error(request, _("The PDF took too long to render. Try again later."))
        return redirect(contract.get_absolute_url())
    except RenderError:
        messages.error(request, _("The PDF could not be rendered. Try again later."))
        return redirect(contract.get_absolute_url())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{contract.number}-{language}.pdf")
    return response


@login_required
@require_GET
def amendment_pdf(request, pk: int):
    amendment = access_amendment(request.user, pk)
    requested = request.GET.get("lang", "")
    language = document_language(requested)
    if language is None:
        if requested.strip():
            messages.error(request, _("Choose zh-hans or en."))
            return redirect(amendment.get_absolute_url())
        language = interface_document_language()
    try:
        pdf = render_amendment_pdf(amendment, language=language)
    except RenderTimeout:
        messages.error(request, _("The PDF took too long to render. Try again later."))
        return redirect(amendment.get_absolute_url())
    except RenderError:
        messages.error(request, _("The PDF could not be rendered. Try again later."))
        return redirect(amendment.get_absolute_url())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{amendment.number}-{language}.pdf")
    return response
