"""The REST API under /api/v1/ (spec section 10)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from accounts.api import ObtainTokenView
from contracts import api as contracts_api
from obligations.api import ObligationViewSet
from vendors.api import VendorViewSet

app_name = "api"

router = SimpleRouter()
router.register("vendors", VendorViewSet, basename="vendor")
router.register("contracts", contracts_api.ContractViewSet, basename="contract")
router.register("obligations", ObligationViewSet, basename="obligation")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("contracts/<int:contract_pk>/clauses/", contracts_api.ContractClauseList.as_view(), name="contract-clauses"),
    path(
        "contracts/<int:contract_pk>/price-change-notices/",
        contracts_api.PriceChangeNoticeList.as_view(),
        name="contract-price-change-notices",
    ),
    path(
        "contracts/<int:contract_pk>/documents/",
        contracts_api.ContractDocumentList.as_view(),
        name="contract-documents",
    ),
    path("contracts/<int:contract_pk>/share/", contracts_api.ContractShareView.as_view(), name="contract-share"),
    path("clauses/<int:pk>/", contracts_api.ClauseDetail.as_view(), name="clause-detail"),
    path("clauses/<int:clause_pk>/revisions/", contracts_api.ClauseRevisionList.as_view(), name="clause-revisions"),
    path("documents/<int:pk>/", contracts_api.DocumentDetail.as_view(), name="document-detail"),
    path("documents/<int:pk>/download/", contracts_api.DocumentDownload.as_view(), name="document-download"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include("contracts.api_pdf")),
    path("", include(router.urls)),
]
