from django.urls import path, re_path

from . import views

app_name = "amendments"

urlpatterns = [
    path("<int:pk>/amendments/new/", views.amendment_new, name="create"),
    path("amendments/<int:pk>/", views.amendment_detail, name="detail"),
    path("amendments/<int:pk>/edit/", views.amendment_edit, name="edit"),
    re_path(r"^amendments/(?P<pk>[0-9]+)/(?P<action>approve|reject|withdraw)/$", views.amendment_action, name="action"),
]
