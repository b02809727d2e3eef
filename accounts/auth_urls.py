"""Django's sign-in, password change and password reset pages (django.contrib.auth.urls), except that the two that set
a password save through the service, which revokes the user's API token with the old password."""

from django.contrib.auth import urls as django_auth_urls
from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import PasswordChangeForm, SetPasswordForm

_OWN = {"password_change", "password_reset_confirm"}

urlpatterns = [
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
        name="password_reset_confirm",
    ),
    *(pattern for pattern in django_auth_urls.urlpatterns if pattern.name not in _OWN),
]
