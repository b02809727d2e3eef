"""The Reports page, each table's CSV download, and the saved register views' pages."""

from __future__ import annotations

import csv
from io import StringIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from contracts.forms import RegisterFilterForm
from contracts.search import RegisterQuery

from .saved_views import (
    access_saved_view,
    register_query_string,
    saved_view_create,
    saved_view_delete,
    saved_view_rename,
    saved_views_of,
)
from .selectors import KINDS, Report, Table, report


def register_query(params) -> tuple[RegisterFilterForm, RegisterQuery]:
    """The register's filters from a query string, read exactly as the register reads them."""
    form = RegisterFilterForm(params or None)
    if form.is_bound:
        form.is_valid()
    return form, form.register_query()


def cell_text(table: Table, row: dict, key: str) -> str:
    """A cell as the CSV writes it: the plain value (amounts with two decimals, an empty cell for no value)."""
    value = row.get(key)
    return "" if value is None else str(value)


def chart_data(reports: list[Report]) -> dict:
    """What static/js/reports.js draws: per table, the categories and the series, the same numbers as the table."""
    charts = {}
    for rep in reports:
        for table in rep.tables:
            if not table.chart_series or not table.rows:
                continue
            labels = {column.key: str(column.label) for column in table.columns}
            kinds = {column.key: column.kind for column in table.columns}
            multi_currency = len({row.get("currency") for row in table.rows}) > 1
            charts[f"{rep.kind}-{table.key}"] = {
                "categories": [
                    f"{row[table.chart_x]} {row['currency']}" if multi_currency else str(row[table.chart_x])
                    for row in table.rows
                ],
                "series": [
                    {"name": labels[key], "values": [cell_text(table, row, key) or None for row in table.rows]}
                    for key in table.chart_series
                ],
                "stacked": table.chart_stacked,
                "whole_numbers": all(kinds[key] == "int" for key in table.chart_series),
            }
    return charts


@login_required
@require_GET
def reports_page(request: HttpRequest) -> HttpResponse:
    form, query = register_query(request.GET)
    today = timezone.localdate()
    reports = [report(kind, request.user, query, today=today) for kind in KINDS]
    context = {
        "form": form,
        "query": query,
        "reports": reports,
        "charts": chart_data(reports),
        "filters": register_query_string(request.GET.urlencode()),
        "today": today,
    }
    return render(request, "reports/reports.html", context)


@login_required
@require_GET
def report_csv(request: HttpRequest, kind: str, table: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    _form, query = register_query(request.GET)
    today = timezone.localdate()
    found = report(kind, request.user, query, today=today).table(table)
    if found is None:
        raise Http404
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow([str(column.label) for column in found.columns])
    for row in found.rows:
        writer.writerow([cell_text(found, row, column.key) for column in found.columns])
    # A byte-order mark so that Excel opens the Chinese text as UTF-8.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-{kind}-{table}-{today.isoformat()}.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def saved_view_list(request: HttpRequest) -> HttpResponse:
    """The user's saved views; a POST saves the register's current filters and sort under a name."""
    if request.method == "POST":
        try:
            view = saved_view_create(
                user=request.user, name=request.POST.get("name", ""), query=request.POST.get("query", "")
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(_back(request))
        messages.success(request, _("View saved."))
        return redirect(view.get_absolute_url())
    return render(request, "reports/saved_views.html", {"views": saved_views_of(request.user)})


def _back(request: HttpRequest) -> str:
    query = register_query_string(request.POST.get("query", ""))
    return reverse("contracts:list") + (f"?{query}" if query else "")


@login_required
@require_http_methods(["GET", "POST"])
def saved_view_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET opens the view in the register; POST renames it."""
    view = access_saved_view(request.user, pk)
    if request.method == "GET":
        return redirect(view.get_absolute_url())
    try:
        saved_view_rename(view=view, name=request.POST.get("name", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("View renamed."))
    return redirect("reports:saved_views")


@login_required
@require_POST
def saved_view_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    view = access_saved_view(request.user, pk)
    saved_view_delete(view=view)
    messages.success(request, _("View deleted."))
    return redirect("reports:saved_views")
