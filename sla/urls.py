from django.urls import path, re_path

from . import views

app_name = "sla"

PERIOD = r"(?P<period>[0-9]{4}-(?:0[1-9]|1[0-2]))"

urlpatterns = [
    path("contracts/<int:pk>/sla/new/", views.period_new, name="period_new"),
    path("contracts/<int:pk>/sla/import/", views.report_import, name="import"),
    re_path(rf"^contracts/(?P<pk>[0-9]+)/sla/{PERIOD}/$", views.period_edit, name="period_edit"),
    re_path(rf"^contracts/(?P<pk>[0-9]+)/sla/{PERIOD}/delete/$", views.period_delete, name="period_delete"),
]
