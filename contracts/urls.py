from django.urls import path, re_path

from . import views

app_name = "contracts"

ACTIONS = "|".join(views.ACTION_FORMS)

urlpatterns = [
    path("", views.contract_list, name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.contract_export, name="export"),
    path("new/", views.contract_create, name="create"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    re_path(rf"^(?P<pk>[0-9]+)/actions/(?P<action>{ACTIONS})/$", views.contract_action, name="action"),
    path("<int:pk>/price-change-notices/", views.price_change_notice_create, name="price_change_notice"),
    path("<int:pk>/share/", views.contract_share_view, name="share"),
    path("<int:pk>/documents/", views.document_upload_view, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("<int:pk>/clauses/", views.clause_create, name="clause_create"),
    path("<int:pk>/clauses/<int:clause_pk>/", views.clause_detail, name="clause"),
]
