"""The contract register: search, filters, sort, pages, and its CSV/XLSX download."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from contracts.forms import (
    RegisterFilterForm,
)
from contracts.register_export import register_csv_lines, register_xlsx
from contracts.search import contract_register, register_page

PAGE_SIZE = 25


def _register_query(request: HttpRequest):
    form = RegisterFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form, form.register_query()


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    form, query = _register_query(request)
    today = timezone.localdate()
    page = register_page(request.user, query, request.GET.get("page"), PAGE_SIZE, today=today)
    context = {"form": form, "query": query, "page_obj": page, "contracts": page.object_list, "today": today}
    template = "contracts/_register_results.html" if request.htmx else "contracts/list.html"
    return render(request, template, context)


@login_required
@require_GET
def contract_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _form, query = _register_query(request)
    today = timezone.localdate()
    contracts = contract_register(request.user, query, today=today)
    stamp = today.isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            register_xlsx(contracts, today=today),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(
            register_csv_lines(contracts, today=today), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="contracts-{stamp}.{fmt}"'
    return response
