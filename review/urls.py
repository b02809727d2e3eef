from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("<int:pk>/review/accept/", views.finding_accept_view, name="accept"),
    path("<int:pk>/review/add-clause/", views.suggested_clause_add, name="add_clause"),
]
