from django.urls import path, re_path

from . import views

app_name = "obligations"

ACTIONS = "|".join(views.ACTIONS)

urlpatterns = [
    path("", views.obligation_list, name="list"),
    path("calendar/", views.obligation_calendar, name="calendar"),
    path("<int:pk>/", views.obligation_detail, name="detail"),
    re_path(rf"^(?P<pk>[0-9]+)/(?P<action>{ACTIONS})/$", views.obligation_action, name="action"),
    path("new/<int:contract_pk>/", views.obligation_create, name="create"),
]
