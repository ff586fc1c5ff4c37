"""Staff pages for exports."""

from django.urls import path

from .views import bulk, candidates, eligibility, exporters, sales, shipments

app_name = "exports"

urlpatterns = [
    path("exporters/", exporters.listing, name="exporter_list"),
    path("exporters/new/", exporters.create, name="exporter_create"),
    path("exporters/<int:pk>/", exporters.detail, name="exporter_detail"),
    path("exporters/<int:pk>/edit/", exporters.edit, name="exporter_edit"),
    path("exporters/<int:pk>/documents/", exporters.document_add, name="exporter_document_add"),
    path(
        "exporters/<int:pk>/documents/<int:document_pk>/",
        exporters.document_download,
        name="exporter_document_download",
    ),
    path("sales/new/", sales.create, name="export_sale_create"),
    path("sales/<int:pk>/", sales.detail, name="export_sale_detail"),
    path("sales/<int:pk>/proof/", sales.proof, name="export_sale_proof"),
    path("sales/<int:pk>/cancel/", sales.cancel, name="export_sale_cancel"),
    path("candidates/", candidates.listing, name="candidates"),
    path("candidates/csv/", candidates.download, {"fmt": "csv"}, name="candidates_csv"),
    path("candidates/xlsx/", candidates.download, {"fmt": "xlsx"}, name="candidates_xlsx"),
    path("vehicles/<int:pk>/eligibility/", eligibility.matrix, name="vehicle_eligibility"),
    path("shipments/", shipments.listing, name="shipment_list"),
    path("shipments/new/", shipments.create, name="shipment_create"),
    path("shipments/ticked/", bulk.preview, name="ship_ticked"),
    path("shipments/ticked/apply/", bulk.apply, name="ship_ticked_apply"),
    path("shipments/<int:pk>/", shipments.detail, name="shipment_detail"),
    path("shipments/<int:pk>/edit/", shipments.edit, name="shipment_edit"),
    path("shipments/<int:pk>/advance/", shipments.advance, name="shipment_advance"),
    path("shipments/<int:pk>/vehicles/", shipments.add_vehicle, name="shipment_add_vehicle"),
    path("shipments/<int:pk>/prices/", shipments.set_prices, name="shipment_set_prices"),
    path(
        "shipments/<int:pk>/lines/<int:line_pk>/price/",
        shipments.line_price,
        name="shipment_line_price",
    ),
    path(
        "shipments/<int:pk>/lines/<int:line_pk>/dates/",
        shipments.line_dates,
        name="shipment_line_dates",
    ),
    path(
        "shipments/<int:pk>/lines/<int:line_pk>/remove/",
        shipments.line_remove,
        name="shipment_line_remove",
    ),
    path("shipments/<int:pk>/documents/", shipments.make_documents, name="shipment_documents"),
    path(
        "shipments/<int:pk>/documents/<int:document_pk>/<str:fmt>/",
        shipments.document_download,
        name="shipment_document_download",
    ),
]
