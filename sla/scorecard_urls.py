"""Routes of the vendor scorecard and the monthly SLA report, kept apart from the month grid's sla/urls.py.

`urlpatterns` are the pages (clm/urls.py includes them at the root, without a namespace, like the contract PDF:
reverse("vendor_scorecard", args=[vendor_pk]), reverse("sla_report_pdf", args=[contract_pk, "2026-03"]));
`api_urlpatterns` are the API routes, which clm/api_urls.py lists in its `api` namespace, ahead of its catch-all.
"""

from django.urls import path, re_path

from .scorecard_api import SlaPeriodPdfView, VendorScorecardView
from .scorecard_views import sla_report_pdf, vendor_scorecard_page

urlpatterns = [
    path("vendors/<int:pk>/scorecard/", vendor_scorecard_page, name="vendor_scorecard"),
    re_path(
        r"^contracts/(?P<pk>[0-9]+)/sla/(?P<period>[0-9]{4}-(?:0[1-9]|1[0-2]))/report\.pdf$",
        sla_report_pdf,
        name="sla_report_pdf",
    ),
]

api_urlpatterns = [
    path("vendors/<int:pk>/scorecard/", VendorScorecardView.as_view(), name="vendor-scorecard"),
    path("sla-periods/<int:pk>/pdf/", SlaPeriodPdfView.as_view(), name="sla-period-pdf"),
]
