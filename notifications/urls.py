from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("chat/", views.my_chat_channels, name="my_chat_channels"),
    path("chat/<int:pk>/delete/", views.my_chat_channel_delete, name="my_chat_channel_delete"),
    path("contracts/<int:pk>/chat/", views.contract_chat_channel, name="contract_chat_channel"),
    path("contracts/<int:pk>/chat/delete/", views.contract_chat_channel_delete, name="contract_chat_channel_delete"),
]
