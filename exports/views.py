"""Bulk PDF exports on the web pages: started from the register, followed on their own page, listed in "My exports".

The API (exports.api) offers the same exports; both go through exports.services and exports.selectors, so an export
is only ever seen, polled or downloaded by the person who asked for it (404 for anyone else).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contracts.forms import RegisterFilterForm
from contracts.models import ExportJob
from contracts.search import contract_register
from core.flash import flash_form_errors
from pdf.language import interface_document_language

from .access import access_export_job
from .selectors import export_jobs_visible_to
from .services import export_job_create

EXPORTS_PER_PAGE = 20


def _job_context(job: ExportJob) -> dict:
    return {"job": job, "keep_days": settings.PDF_EXPORT_KEEP_DAYS}


def download_filename(job: ExportJob) -> str:
    finished = timezone.localdate(job.finished_at) if job.finished_at else timezone.localdate()
    return f"contract-pdfs-{finished:%Y%m%d}-{job.language}-{job.pk}.zip"


@login_required
@require_POST
def pdf_export_create(request: HttpRequest) -> HttpResponse:
    """The register's "Export PDFs (ZIP)": the query string carries the register's search and filters."""
    back = reverse("contracts:list")
    back = f"{back}?{request.GET.urlencode()}" if request.GET else back
    form = RegisterFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # The register page skips a filter it cannot read; an export must not, or it would hold more than was asked.
        flash_form_errors(request, form)
        return redirect(back)
    language = request.POST.get("lang") or interface_document_language()
    try:
        job = export_job_create(
            by=request.user,
            language=language,
            register=contract_register(request.user, form.register_query(), today=timezone.localdate()),
            register_params=request.GET.keys(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    return redirect(job)


@login_required
@require_GET
def pdf_export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "exports/detail.html", _job_context(access_export_job(request.user, pk)))


@login_required
@require_GET
def pdf_export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job page's progress part, polled by htmx until the export has finished."""
    job = access_export_job(request.user, pk)
    if not request.htmx:
        return redirect(job)
    return render(request, "exports/_progress.html", _job_context(job))


@login_required
@require_GET
def pdf_export_list(request: HttpRequest) -> HttpResponse:
    jobs = export_jobs_visible_to(request.user).defer("contract_ids")
    page = Paginator(jobs, EXPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "exports/list.html",
        {"page_obj": page, "jobs": page.object_list, "keep_days": settings.PDF_EXPORT_KEEP_DAYS},
    )


@login_required
@require_GET
def pdf_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_export_job(request.user, pk)
    if job.downloadable:
        try:
            return FileResponse(
                job.file.open("rb"),
                as_attachment=True,
                filename=download_filename(job),
                content_type="application/zip",
            )
        except FileNotFoundError:
            pass
    if job.status == ExportJob.Status.DONE:
        messages.error(
            request,
            _("This export has expired: its file is deleted after %(days)s days. Export the contracts again.")
            % {"days": settings.PDF_EXPORT_KEEP_DAYS},
        )
    elif job.status == ExportJob.Status.FAILED:
        messages.error(request, _("This export failed, so there is no file to download."))
    else:
        messages.info(request, _("This export is not finished yet. The download appears here when it is."))
    return redirect(job)
