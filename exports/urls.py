"""Staff pages for exports."""

from django.urls import path

from . import public
from .views import bulk, candidates, eligibility, exporters, offers, sales, shipments

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
    path("offers/", offers.listing, name="offer_list"),
    path("offers/new/", offers.create, name="offer_create"),
    path("offers/ticked/", offers.ticked, name="offer_ticked"),
    path("offers/<int:pk>/", offers.detail, name="offer_detail"),
    path("offers/<int:pk>/discount/", offers.set_discount, name="offer_set_discount"),
    path(
        "offers/<int:pk>/offer-lines/<int:offer_line_pk>/price/",
        offers.line_price,
        name="offer_line_price",
    ),
    path(
        "offers/<int:pk>/offer-lines/<int:offer_line_pk>/withdraw/",
        offers.line_withdraw,
        name="offer_line_withdraw",
    ),
    path("offers/<int:pk>/recipients/", offers.add_recipient, name="offer_add_recipient"),
    path(
        "offers/<int:pk>/recipients/<int:recipient_pk>/revoke/",
        offers.revoke,
        name="offer_recipient_revoke",
    ),
    path("offers/<int:pk>/send/", offers.send, name="offer_send"),
    path("offers/<int:pk>/withdraw/", offers.withdraw, name="offer_withdraw"),
    path("offers/<int:pk>/bids/", offers.record_bid, name="offer_record_bid"),
    path("offers/<int:pk>/bids/<int:bid_pk>/accept/", offers.accept, name="offer_bid_accept"),
    path("offers/<int:pk>/bids/<int:bid_pk>/decline/", offers.decline, name="offer_bid_decline"),
    path("offers/<int:pk>/offer.pdf", offers.download, {"fmt": "pdf"}, name="offer_pdf"),
    path("offers/<int:pk>/offer.xlsx", offers.download, {"fmt": "xlsx"}, name="offer_xlsx"),
]

# The page a recipient opens from the offer's link, with no login (under /o/).
offer_public_urlpatterns = [
    path("<str:token>/", public.offer_page, name="offer_public"),
    path("<str:token>/photos/<int:photo_pk>/", public.offer_photo, name="offer_public_photo"),
]
