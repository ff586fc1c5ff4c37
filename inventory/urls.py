"""Staff pages for inventory."""

from django.urls import path

from . import inspection_views as inspections
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
    path(
        "vehicles/<int:pk>/documents/<int:document_pk>/scan/",
        views.vehicle_document_scan_view,
        name="vehicle_document_scan",
    ),
    path("vehicles/<int:pk>/floor-plan/", views.vehicle_floor_view, name="vehicle_floor"),
    path(
        "vehicles/<int:pk>/floor-plan/payments/",
        views.floor_plan_pay_view,
        name="floor_plan_pay",
    ),
    path("dealer/", views.dealer_switch_view, name="dealer_switch"),
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path(
        "vehicles/<int:pk>/inspections/new/",
        inspections.inspection_start,
        name="inspection_start",
    ),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", inspections.inspection_edit, name="inspection_edit"),
    path("inspections/<int:pk>/issue/", inspections.inspection_issue, name="inspection_issue"),
    path("inspections/<int:pk>/revise/", inspections.inspection_revise, name="inspection_revise"),
    path("inspections/<int:pk>/revoke/", inspections.inspection_revoke, name="inspection_revoke"),
    path(
        "inspections/<int:pk>/discard/", inspections.inspection_discard, name="inspection_discard"
    ),
    path(
        "inspections/<int:pk>/photos/",
        inspections.inspection_photo_add,
        name="inspection_photo_add",
    ),
    path(
        "inspections/<int:pk>/photos/<int:photo_pk>/",
        inspections.inspection_photo,
        name="inspection_photo",
    ),
    path(
        "inspections/<int:pk>/photos/<int:photo_pk>/remove/",
        inspections.inspection_photo_remove,
        name="inspection_photo_remove",
    ),
    path(
        "inspections/<int:pk>/certificate.pdf",
        inspections.inspection_certificate,
        name="inspection_certificate",
    ),
]
