"""Reading a signed contract on the pages: upload a file, review what was read, create the draft contract."""

from django.urls import path

from . import extraction_views

app_name = "extractions"

urlpatterns = [
    path("", extraction_views.extraction_upload, name="upload"),
    path("<int:pk>/", extraction_views.extraction_review, name="review"),
]
