"""Staff pages for inventory."""

from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("vehicles/", views.VehicleListView.as_view(), name="vehicle_list"),
    path("vehicles/export.csv", views.VehicleCsvView.as_view(), name="vehicle_csv"),
    path("vehicles/new/", views.VehicleFormView.as_view(), name="vehicle_receive"),
    path("vehicles/vin-check/", views.vin_check_view, name="vin_check"),
    path("vehicles/<int:pk>/", views.VehicleDetailView.as_view(), name="vehicle_detail"),
    path("vehicles/<int:pk>/edit/", views.VehicleFormView.as_view(), name="vehicle_edit"),
    path("vehicles/<int:pk>/status/", views.vehicle_status_view, name="vehicle_status"),
    path(
        "vehicles/<int:pk>/documents/",
        views.vehicle_document_add_view,
        name="vehicle_document_add",
    ),
    path(
        "vehicles/<int:pk>/documents/<int:document_pk>/remove/",
        views.vehicle_document_remove_view,
        name="vehicle_document_remove",
    ),
    path("vehicles/<int:pk>/floor-plan/", views.vehicle_floor_view, name="vehicle_floor"),
    path(
        "vehicles/<int:pk>/floor-plan/payments/",
        views.floor_plan_pay_view,
        name="floor_plan_pay",
    ),
    path("dealer/", views.dealer_switch_view, name="dealer_switch"),
]
