"""The contract PDF page route, for the web UI to include: `path("contracts/", include("pdf.urls"))`.

No namespace of its own, so it can sit beside the `contracts` namespace: reverse("contract_pdf", args=[pk]).
"""

from django.urls import path

from .views import amendment_pdf, contract_pdf

urlpatterns = [
    path("<int:pk>/pdf/", contract_pdf, name="contract_pdf"),
    path("amendments/<int:pk>/pdf/", amendment_pdf, name="amendment_pdf"),
]
