from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("language/", views.set_language, name="set_language"),
    path("settings/", views.user_settings, name="settings"),
    path("settings/calendar-reset/", views.calendar_reset, name="calendar_reset"),
    path("settings/password/", views.password_change, name="password_change"),
    path("settings/api-token-revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("autocomplete/owners/", views.owner_autocomplete, name="owner_autocomplete"),
    path("autocomplete/users/", views.user_autocomplete, name="user_autocomplete"),
]
