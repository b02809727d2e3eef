"""The web PDF route on its own, as the UI includes it (tests do not depend on the UI's URL configuration)."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("contracts/", include("contracts.urls_pdf")),
]
