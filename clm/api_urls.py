"""The REST API under /api/v1/: the routes outside clients rely on."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from accounts.api import ObtainTokenView, RevokeTokenView
from contracts.api import clauses, documents, sharing
from contracts.api.contract import ContractViewSet, PriceChangeNoticeList
from core.api import NoSuchEndpoint
from exports.api import ExportJobCreateView, ExportJobDetailView, ExportJobDownloadView
from notifications.api import ContractChatChannelView, MeView
from obligations.api import ObligationViewSet
from pdf.api import ContractPdfView
from sla.scorecard_urls import api_urlpatterns as sla_scorecard_api
from vendors.api import VendorViewSet

app_name = "api"

router = SimpleRouter()
router.register("vendors", VendorViewSet, basename="vendor")
router.register("contracts", ContractViewSet, basename="contract")
router.register("obligations", ObligationViewSet, basename="obligation")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("auth/token/revoke/", RevokeTokenView.as_view(), name="token-revoke"),
    path("contracts/<int:contract_pk>/clauses/", clauses.ContractClauseList.as_view(), name="contract-clauses"),
    path(
        "contracts/<int:contract_pk>/price-change-notices/",
        PriceChangeNoticeList.as_view(),
        name="contract-price-change-notices",
    ),
    path(
        "contracts/<int:contract_pk>/documents/",
        documents.ContractDocumentList.as_view(),
        name="contract-documents",
    ),
    path("me/", MeView.as_view(), name="me"),
    path("contracts/<int:contract_pk>/chat-channel/", ContractChatChannelView.as_view(), name="contract-chat-channel"),
    path("contracts/<int:contract_pk>/share/", sharing.ContractShareView.as_view(), name="contract-share"),
    path("clauses/<int:pk>/", clauses.ClauseDetail.as_view(), name="clause-detail"),
    path("clauses/<int:clause_pk>/revisions/", clauses.ClauseRevisionList.as_view(), name="clause-revisions"),
    path("documents/<int:pk>/", documents.DocumentDetail.as_view(), name="document-detail"),
    path("documents/<int:pk>/download/", documents.DocumentDownload.as_view(), name="document-download"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("contracts/<int:pk>/pdf/", ContractPdfView.as_view(), name="contract-pdf"),
    path("exports/", ExportJobCreateView.as_view(), name="export-create"),
    path("exports/<int:pk>/", ExportJobDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/download/", ExportJobDownloadView.as_view(), name="export-download"),
    *sla_scorecard_api,
    path("", include(router.urls)),
    # Last: a path no route above matches, ids that are not numbers included. Only paths ending in a slash, so a
    # path without its slash still gets Django's redirect to the one with it.
    re_path(r"^(?:[\s\S]*/)?$", NoSuchEndpoint.as_view(), name="no-such-endpoint"),
]
