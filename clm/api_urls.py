"""The REST API under /api/v1/: the routes outside clients rely on."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from accounts.api import ObtainTokenView, RevokeTokenView
from amendments import api as amendments
from contracts.api import clauses, documents, history, sharing
from contracts.api.contract import ContractViewSet, PriceChangeNoticeList
from core.api import NoSuchEndpoint
from exports.api import ExportJobCreateView, ExportJobDetailView, ExportJobDownloadView
from imports.api import ImportJobConfirmView, ImportJobCreateView, ImportJobDetailView, ImportTemplateView
from imports.extraction_api import ExtractionCreateContractView, ExtractionCreateView, ExtractionDetailView
from notifications.api import ContractChatChannelView, MeView
from obligations.api import ContractObligationCreate, ObligationViewSet
from pdf.api import AmendmentPdfView, ContractPdfView
from reports.api import SavedViewViewSet
from reports.api import api_urlpatterns as report_api
from review.api import ContractReviewAcceptView, ContractReviewView
from sla.api import ContractSlaImport, ContractSlaPeriodList, SlaPeriodDetail
from sla.scorecard_urls import api_urlpatterns as sla_scorecard_api
from vendors.api import VendorHistoryList, VendorViewSet

app_name = "api"

router = SimpleRouter()
router.register("vendors", VendorViewSet, basename="vendor")
router.register("contracts", ContractViewSet, basename="contract")
router.register("obligations", ObligationViewSet, basename="obligation")
router.register("saved-views", SavedViewViewSet, basename="saved-view")

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
    path(
        "contracts/<int:contract_pk>/sla-periods/",
        ContractSlaPeriodList.as_view(),
        name="contract-sla-periods",
    ),
    path(
        "contracts/<int:contract_pk>/sla-periods/import/",
        ContractSlaImport.as_view(),
        name="contract-sla-import",
    ),
    path("sla-periods/<int:pk>/", SlaPeriodDetail.as_view(), name="sla-period-detail"),
    path(
        "contracts/<int:contract_pk>/obligations/",
        ContractObligationCreate.as_view(),
        name="contract-obligations",
    ),
    path("me/", MeView.as_view(), name="me"),
    path("contracts/<int:contract_pk>/chat-channel/", ContractChatChannelView.as_view(), name="contract-chat-channel"),
    path("contracts/<int:contract_pk>/share/", sharing.ContractShareView.as_view(), name="contract-share"),
    path("contracts/<int:contract_pk>/history/", history.ContractHistoryList.as_view(), name="contract-history"),
    path("vendors/<int:vendor_pk>/history/", VendorHistoryList.as_view(), name="vendor-history"),
    path(
        "contracts/<int:contract_pk>/amendments/",
        amendments.ContractAmendmentList.as_view(),
        name="contract-amendments",
    ),
    path("amendments/<int:pk>/", amendments.AmendmentDetail.as_view(), name="amendment-detail"),
    path("amendments/<int:pk>/approve/", amendments.AmendmentApprove.as_view(), name="amendment-approve"),
    path("amendments/<int:pk>/reject/", amendments.AmendmentReject.as_view(), name="amendment-reject"),
    path("amendments/<int:pk>/withdraw/", amendments.AmendmentWithdraw.as_view(), name="amendment-withdraw"),
    path("amendments/<int:pk>/pdf/", AmendmentPdfView.as_view(), name="amendment-pdf"),
    path("contracts/<int:contract_pk>/review/", ContractReviewView.as_view(), name="contract-review"),
    path(
        "contracts/<int:contract_pk>/review/accept/", ContractReviewAcceptView.as_view(), name="contract-review-accept"
    ),
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
    path("imports/", ImportJobCreateView.as_view(), name="import-create"),
    path("imports/template/", ImportTemplateView.as_view(), name="import-template"),
    path("imports/<int:pk>/", ImportJobDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/confirm/", ImportJobConfirmView.as_view(), name="import-confirm"),
    path("extractions/", ExtractionCreateView.as_view(), name="extraction-create"),
    path("extractions/<int:pk>/", ExtractionDetailView.as_view(), name="extraction-detail"),
    path(
        "extractions/<int:pk>/create-contract/",
        ExtractionCreateContractView.as_view(),
        name="extraction-create-contract",
    ),
    *sla_scorecard_api,
    *report_api,
    path("", include(router.urls)),
    # Last: a path no route above matches, ids that are not numbers included. Only paths ending in a slash, so a
    # path without its slash still gets Django's redirect to the one with it.
    re_path(r"^(?:[\s\S]*/)?$", NoSuchEndpoint.as_view(), name="no-such-endpoint"),
]
