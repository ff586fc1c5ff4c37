"""Staff pages for inventory, and the public verification page of an issued report."""

from django.urls import path

from . import public
from .views import bulk, floor_plan, inspections, intake, saved_views, vehicle_page, vehicles

app_name = "inventory"

urlpatterns = [
    path("vehicles/", vehicles.listing, name="vehicle_list"),
    path("vehicles/export.csv", vehicles.csv_export, name="vehicle_csv"),
    path("vehicles/new/", vehicles.receive, name="vehicle_receive"),
    path("vehicles/bulk/", bulk.preview, name="vehicle_bulk"),
    path("vehicles/bulk/apply/", bulk.apply, name="vehicle_bulk_apply"),
    path("vehicles/stock-sheets/", bulk.stock_sheets_print, name="vehicle_stock_sheets"),
    path("vehicles/views/", saved_views.create, name="saved_view_create"),
    path("vehicles/views/<int:pk>/", saved_views.saved_view, name="saved_view"),
    path("vehicles/views/<int:pk>/delete/", saved_views.delete, name="saved_view_delete"),
    path("vehicles/import/", intake.upload, name="vehicle_intake"),
    path("vehicles/import/<int:pk>/", intake.detail, name="vehicle_intake_detail"),
    path("vehicles/import/<int:pk>/progress/", intake.progress, name="vehicle_intake_progress"),
    path("vehicles/import/<int:pk>/commit/", intake.commit, name="vehicle_intake_commit"),
    path(
        "vehicles/import/<int:pk>/problems.xlsx", intake.error_sheet, name="vehicle_intake_errors"
    ),
    path("vehicles/import/<int:pk>/file/", intake.original_file, name="vehicle_intake_file"),
    path("vehicles/import/template.xlsx", intake.template, name="vehicle_intake_template"),
    path("vehicles/vin-check/", vehicles.check_vin, name="vin_check"),
    path("vehicles/<int:pk>/", vehicles.detail, name="vehicle_detail"),
    path("vehicles/<int:pk>/edit/", vehicles.edit, name="vehicle_edit"),
    path("vehicles/<int:pk>/stock-sheet/", bulk.stock_sheet, name="vehicle_stock_sheet"),
    path("vehicles/<int:pk>/status/", vehicles.change_status, name="vehicle_status"),
    path("vehicles/<int:pk>/price/", vehicle_page.reprice, name="vehicle_reprice"),
    path("vehicles/<int:pk>/reserve/", vehicle_page.reserve, name="vehicle_reserve"),
    path("vehicles/<int:pk>/photos/", vehicle_page.photo_add, name="vehicle_photo_add"),
    path(
        "vehicles/<int:pk>/photos/<int:photo_pk>/",
        vehicle_page.photo,
        name="vehicle_photo",
    ),
    path(
        "vehicles/<int:pk>/photos/<int:photo_pk>/thumbnail/",
        vehicle_page.photo_thumbnail,
        name="vehicle_photo_thumbnail",
    ),
    path(
        "vehicles/<int:pk>/photos/<int:photo_pk>/move/",
        vehicle_page.photo_move,
        name="vehicle_photo_move",
    ),
    path(
        "vehicles/<int:pk>/photos/<int:photo_pk>/remove/",
        vehicle_page.photo_remove,
        name="vehicle_photo_remove",
    ),
    path("vehicles/<int:pk>/documents/", vehicles.document_add, name="vehicle_document_add"),
    path(
        "vehicles/<int:pk>/documents/<int:document_pk>/remove/",
        vehicles.document_remove,
        name="vehicle_document_remove",
    ),
    path(
        "vehicles/<int:pk>/documents/<int:document_pk>/scan/",
        vehicles.document_scan,
        name="vehicle_document_scan",
    ),
    path("vehicles/<int:pk>/floor-plan/", floor_plan.floor, name="vehicle_floor"),
    path("vehicles/<int:pk>/floor-plan/payments/", floor_plan.pay, name="floor_plan_pay"),
    path("dealer/", vehicles.switch_dealer, name="dealer_switch"),
    path("inspections/", inspections.listing, name="inspection_list"),
    path("vehicles/<int:pk>/inspections/new/", inspections.start, name="inspection_start"),
    path("inspections/<int:pk>/", inspections.detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", inspections.edit, name="inspection_edit"),
    path("inspections/<int:pk>/issue/", inspections.issue, name="inspection_issue"),
    path("inspections/<int:pk>/revise/", inspections.revise, name="inspection_revise"),
    path("inspections/<int:pk>/revoke/", inspections.revoke, name="inspection_revoke"),
    path("inspections/<int:pk>/discard/", inspections.discard, name="inspection_discard"),
    path("inspections/<int:pk>/photos/", inspections.photo_add, name="inspection_photo_add"),
    path(
        "inspections/<int:pk>/photos/<int:photo_pk>/",
        inspections.photo,
        name="inspection_photo",
    ),
    path(
        "inspections/<int:pk>/photos/<int:photo_pk>/remove/",
        inspections.photo_remove,
        name="inspection_photo_remove",
    ),
    path(
        "inspections/<int:pk>/certificate.pdf",
        inspections.certificate,
        name="inspection_certificate",
    ),
]

# The buyer's page, outside the staff namespace: certificates print its address, and the
# sign-in and second-factor checks know it by these names. dealerhub/urls.py mounts it at
# /verify/.
verification_urlpatterns = [
    path("<str:token>/", public.verify, name="verify"),
    path("<str:token>/certificate.pdf", public.verify_pdf, name="verify_pdf"),
]
