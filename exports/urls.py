"""Staff pages for exports."""

from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("candidates/", views.candidates, name="candidates"),
    path("vehicles/<int:pk>/eligibility/", views.vehicle_eligibility, name="vehicle_eligibility"),
]
