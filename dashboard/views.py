"""The dashboard: what needs the signed-in user's attention, each item linking to where it is handled."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .selectors import dashboard_for


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {"today": today, **dashboard_for(request.user, today=today)}
    return render(request, "dashboard.html", context)
