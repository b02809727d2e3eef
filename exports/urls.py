"""Bulk PDF export pages, under /contracts/pdf-exports/ beside the register they start from."""

from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("", views.pdf_export_list, name="list"),
    path("new/", views.pdf_export_create, name="create"),
    path("<int:pk>/", views.pdf_export_detail, name="detail"),
    path("<int:pk>/progress/", views.pdf_export_progress, name="progress"),
    path("<int:pk>/download/", views.pdf_export_download, name="download"),
]
