"""Destination markets and their rules, the shipments that take vehicles abroad, and cash flow.

One module per sub-domain; every name other modules and migrations use is re-exported here,
so `exports.models.ExportShipment` and the app label stay as they are.
"""

from .exporters import (
    Exporter,
    ExporterDocument,
    ExporterDocumentKind,
    ExporterQuerySet,
    QualificationList,
    validate_uscc,
)
from .markets import (
    AppliesTo,
    Confidence,
    DestinationMarket,
    MarketRule,
    MarketRuleQuerySet,
    Severity,
)
from .sales import (
    DECLARATION_NUMBER_MAX_LENGTH,
    SALE_TEMP_PLATE_DAYS,
    ExportSale,
    ExportSaleQuerySet,
    PaymentTerms,
)
from .shipment_records import (
    DocumentKind,
    ShipmentDocument,
    ShipmentDocumentQuerySet,
    ShipmentMilestone,
    ShipmentMilestoneQuerySet,
    shipment_document_path,
)
from .shipments import (
    RORO_STOWAGE,
    TEMP_PLATE_DAYS,
    ConsigneeType,
    ExportShipment,
    Incoterm,
    ShipmentLine,
    ShipmentLineQuerySet,
    ShipmentQuerySet,
    ShipmentStatus,
    Stowage,
    TransportMode,
    money,
)
from .snapshots import (
    CashFlowSnapshot,
)

__all__ = [
    "DECLARATION_NUMBER_MAX_LENGTH",
    "RORO_STOWAGE",
    "SALE_TEMP_PLATE_DAYS",
    "TEMP_PLATE_DAYS",
    "AppliesTo",
    "CashFlowSnapshot",
    "Confidence",
    "ConsigneeType",
    "DestinationMarket",
    "DocumentKind",
    "ExportSale",
    "ExportSaleQuerySet",
    "ExportShipment",
    "Exporter",
    "ExporterDocument",
    "ExporterDocumentKind",
    "ExporterQuerySet",
    "Incoterm",
    "MarketRule",
    "MarketRuleQuerySet",
    "PaymentTerms",
    "QualificationList",
    "Severity",
    "ShipmentDocument",
    "ShipmentDocumentQuerySet",
    "ShipmentLine",
    "ShipmentLineQuerySet",
    "ShipmentMilestone",
    "ShipmentMilestoneQuerySet",
    "ShipmentQuerySet",
    "ShipmentStatus",
    "Stowage",
    "TransportMode",
    "money",
    "shipment_document_path",
    "validate_uscc",
]
