from django.contrib import admin
from django.urls import include, path

from accounts.admin import admin_password_change
from dashboard.views import dashboard
from obligations.feeds import obligation_feed

# Uploaded documents and export ZIPs under MEDIA_ROOT are never served by URL, not even with DEBUG on: only the views
# that check access first (contract documents, a bulk export's download) hand out a file.

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Ahead of the admin site's own page of that address: the new password revokes the API token.
    path("admin/password_change/", admin.site.admin_view(admin_password_change)),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.auth_urls")),
    path("accounts/", include("accounts.urls")),
    path("feeds/obligations/<str:token>.ics", obligation_feed, name="obligation_feed"),
    path("api/v1/", include("clm.api_urls")),
    path("contracts/pdf-exports/", include("exports.urls")),
    path("contracts/imports/", include("imports.urls")),
    path("extractions/", include("imports.extraction_urls")),
    path("contracts/", include("contracts.urls")),
    path("contracts/", include("pdf.urls")),
    path("contracts/", include("amendments.urls")),
    path("contracts/", include("review.urls")),
    path("obligations/", include("obligations.urls")),
    path("notifications/", include("notifications.urls")),
    path("vendors/", include("vendors.urls")),
    path("reports/", include("reports.urls")),
    path("", include("sla.scorecard_urls")),
    path("", include("sla.urls")),
    path("", dashboard, name="dashboard"),
]
