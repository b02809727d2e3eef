"""The contract PDF page route, for the web UI to include: `path("contracts/", include("contracts.urls_pdf"))`.

No namespace of its own, so it can sit beside the `contracts` namespace: reverse("contract_pdf", args=[pk]).
"""

from django.urls import path

from .views_pdf import contract_pdf

urlpatterns = [
    path("<int:pk>/pdf/", contract_pdf, name="contract_pdf"),
]
