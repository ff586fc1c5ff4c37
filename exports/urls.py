"""Staff pages for exports."""

from django.urls import path

from . import shipment_views as shipping
from . import views

app_name = "exports"

urlpatterns = [
    path("candidates/", views.candidates, name="candidates"),
    path("vehicles/<int:pk>/eligibility/", views.vehicle_eligibility, name="vehicle_eligibility"),
    path("shipments/", shipping.shipment_list, name="shipment_list"),
    path("shipments/new/", shipping.shipment_create, name="shipment_create"),
    path("shipments/<int:pk>/", shipping.shipment_detail, name="shipment_detail"),
    path("shipments/<int:pk>/edit/", shipping.shipment_edit, name="shipment_edit"),
    path("shipments/<int:pk>/advance/", shipping.shipment_advance, name="shipment_advance"),
    path(
        "shipments/<int:pk>/vehicles/", shipping.shipment_add_vehicle, name="shipment_add_vehicle"
    ),
    path(
        "shipments/<int:pk>/lines/<int:line_pk>/price/",
        shipping.shipment_line_price,
        name="shipment_line_price",
    ),
    path(
        "shipments/<int:pk>/lines/<int:line_pk>/dates/",
        shipping.shipment_line_dates,
        name="shipment_line_dates",
    ),
    path(
        "shipments/<int:pk>/lines/<int:line_pk>/remove/",
        shipping.shipment_line_remove,
        name="shipment_line_remove",
    ),
    path("shipments/<int:pk>/documents/", shipping.shipment_documents, name="shipment_documents"),
    path(
        "shipments/<int:pk>/documents/<int:document_pk>/<str:fmt>/",
        shipping.shipment_document_download,
        name="shipment_document_download",
    ),
]
