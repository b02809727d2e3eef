from django.urls import path, re_path

from . import views
from .selectors import KINDS

app_name = "reports"

urlpatterns = [
    path("", views.reports_page, name="index"),
    re_path(rf"^(?P<kind>{'|'.join(KINDS)})/(?P<table>[a-z]+)\.csv$", views.report_csv, name="csv"),
    path("saved-views/", views.saved_view_list, name="saved_views"),
    path("saved-views/<int:pk>/", views.saved_view_detail, name="saved_view"),
    path("saved-views/<int:pk>/delete/", views.saved_view_delete_view, name="saved_view_delete"),
]
