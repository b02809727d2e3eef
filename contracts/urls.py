from django.urls import path, re_path

from . import views, views_pdf_export

app_name = "contracts"

ACTIONS = "|".join(views.ACTION_FORMS)

urlpatterns = [
    path("", views.contract_list, name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.contract_export, name="export"),
    path("pdf-exports/", views_pdf_export.pdf_export_list, name="pdf_exports"),
    path("pdf-exports/new/", views_pdf_export.pdf_export_create, name="pdf_export_create"),
    path("pdf-exports/<int:pk>/", views_pdf_export.pdf_export_detail, name="pdf_export"),
    path("pdf-exports/<int:pk>/progress/", views_pdf_export.pdf_export_progress, name="pdf_export_progress"),
    path("pdf-exports/<int:pk>/download/", views_pdf_export.pdf_export_download, name="pdf_export_download"),
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
