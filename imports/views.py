"""Spreadsheet import pages: upload, the dry run row by row with its progress, confirm, the template.

Only people whose role may write contracts import them (403 for the others); an import is seen by its owner only
(404 for anyone else). The work happens in imports.services and its Celery tasks.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import user_may_write
from contracts.models import Contract, FeeItem, SLATarget

from .access import access_import_job
from .api import TEMPLATE_FILENAME, XLSX
from .columns import CONTRACT_COLUMNS, FEE_COLUMNS, SLA_COLUMNS, column_label
from .forms import ImportUploadForm
from .models import ImportJob, ImportRow
from .selectors import import_jobs_visible_to, import_rows
from .services import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    import_job_confirm,
    import_job_create,
    interface_language,
    may_import_message,
)
from .workbook import template_workbook

ROWS_PER_PAGE = 100
JOBS_SHOWN = 20


def _require_writer(request: HttpRequest) -> None:
    if not user_may_write(request.user):
        raise PermissionDenied(may_import_message())


def _accepts(parse) -> str:
    kinds = {
        "parse_date": _("a date: 2026-01-31, 2026/1/31, 2026年1月31日 or a date cell"),
        "parse_decimal": _("a number: 1200000, 1,200,000.00 or ¥1,200,000"),
        "parse_integer": _("a whole number"),
        "parse_boolean": _("是/否, yes/no, true/false or 1/0"),
        "parse_code": _("a code; spaces and full-width characters are ignored"),
        "parse_text": _("text"),
    }
    return str(kinds.get(parse.__name__, _("one of the choices, by name in Chinese or English, or by code")))


def _column_docs() -> list[dict]:
    """The columns each sheet reads, with their labels in both languages, for the page's reference table."""
    sheets = []
    for title, columns, model in (
        ("contracts", CONTRACT_COLUMNS, Contract),
        ("sla", SLA_COLUMNS, SLATarget),
        ("fees", FEE_COLUMNS, FeeItem),
    ):
        rows = []
        for column in columns:
            with translation.override("zh-hans"):
                zh = column_label(column, model)
            with translation.override("en"):
                en = column_label(column, model)
            rows.append({"name": column.name, "zh": zh, "en": en, "accepts": _accepts(column.parse)})
        sheets.append({"kind": title, "columns": rows})
    return sheets


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """The upload form, the person's recent imports and the reference of the columns."""
    _require_writer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = import_job_create(
                    by=request.user, upload=form.cleaned_data["file"], language=interface_language()
                )
            except ValidationError as exc:
                for message in exc.message_dict.get("file", exc.messages):
                    form.add_error("file", message)
            else:
                return redirect(job)
        status = 400
    return render(
        request,
        "imports/list.html",
        {
            "form": form,
            "jobs": import_jobs_visible_to(request.user)[:JOBS_SHOWN],
            "sheets": _column_docs(),
            "max_rows": MAX_ROWS,
            "max_mb": MAX_FILE_BYTES // 2**20,
            "section": "contracts",
        },
        status=status,
    )


def _field_labels() -> dict[str, str]:
    labels = {c.name: column_label(c, Contract) for c in CONTRACT_COLUMNS}
    labels.update(sla_targets=str(_("SLA targets")), fee_items=str(_("Fee items")), sla=str(_("SLA targets")))
    labels["fees"] = labels["fee_items"]
    return labels


def _detail_context(request: HttpRequest, job: ImportJob) -> dict:
    rows = import_rows(job)
    action = request.GET.get("action")
    if action in ImportRow.Action.values:
        rows = rows.filter(action=action)
    else:
        action = ""
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    labels = _field_labels()
    for row in page.object_list:
        row.shown_errors = [(labels.get(e["field"], e["field"]), e["message"]) for e in row.error_messages()]
        row.shown_changes = [(labels.get(name, name), old, new) for name, (old, new) in row.changes.items()]
    return {
        "job": job,
        "page_obj": page,
        "rows": page.object_list,
        "action": action,
        "actions": ImportRow.Action.choices,
        "section": "contracts",
    }


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_import_job(request.user, pk)
    return render(request, "imports/detail.html", _detail_context(request, job))


@login_required
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part, polled by htmx while the file is read or written; once finished, the page reloads."""
    job = access_import_job(request.user, pk)
    if not request.htmx:
        return redirect(job)
    response = render(request, "imports/_progress.html", {"job": job})
    if job.finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_import_job(request.user, pk)
    _require_writer(request)
    try:
        import_job_confirm(job=job, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(job)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
    return response
