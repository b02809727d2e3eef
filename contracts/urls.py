from django.urls import path, re_path

from .views import clauses, contract, documents, register, sharing

app_name = "contracts"

ACTIONS = "|".join(contract.ACTION_FORMS)

urlpatterns = [
    path("", register.contract_list, name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", register.contract_export, name="export"),
    path("new/", contract.contract_create, name="create"),
    path("<int:pk>/", contract.contract_detail, name="detail"),
    path("<int:pk>/edit/", contract.contract_edit, name="edit"),
    re_path(rf"^(?P<pk>[0-9]+)/actions/(?P<action>{ACTIONS})/$", contract.contract_action, name="action"),
    path("<int:pk>/price-change-notices/", contract.price_change_notice_create, name="price_change_notice"),
    path("<int:pk>/share/", sharing.contract_share_view, name="share"),
    path("<int:pk>/documents/", documents.document_upload_view, name="document_upload"),
    path("documents/<int:pk>/", documents.document_download, name="document_download"),
    path("<int:pk>/clauses/", clauses.clause_create, name="clause_create"),
    path("<int:pk>/clauses/agree/", clauses.clauses_agree_view, name="clauses_agree"),
    path("<int:pk>/clauses/<int:clause_pk>/", clauses.clause_detail, name="clause"),
]
