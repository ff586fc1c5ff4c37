"""Exporters a dealer sells to: create, change, and the documents kept on file for them."""

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from inventory import uploads
from inventory.files import delete_files_on_commit

from ..models import Exporter, ExporterDocument

# What a person records of an exporter, in the order the form asks for it.
EXPORTER_FIELDS = (
    "name",
    "credit_code",
    "qualification_list",
    "qualification_reference",
    "qualified_from",
    "qualified_until",
    "contact_name",
    "contact_phone",
    "contact_email",
    "notes",
    "is_active",
)


def _normalised(facts: dict) -> dict:
    facts = dict(facts)
    unknown = set(facts) - set(EXPORTER_FIELDS) - {"markets"}
    if unknown:
        raise TypeError(f"unknown exporter facts: {sorted(unknown)}")
    if "credit_code" in facts:
        facts["credit_code"] = (facts["credit_code"] or "").strip().upper()
    if "name" in facts:
        facts["name"] = (facts["name"] or "").strip()
    return facts


def _save(exporter, markets):
    exporter.full_clean()
    exporter.save()
    if markets is not None:
        exporter.markets.set(markets)
    return exporter


@transaction.atomic
def exporter_create(*, dealer, **facts) -> Exporter:
    """A new partner exporter of `dealer`, its credit code checked and once per dealer."""
    facts = _normalised(facts)
    markets = facts.pop("markets", None)
    return _save(Exporter(dealer=dealer, **facts), markets)


@transaction.atomic
def exporter_update(*, exporter: Exporter, **facts) -> Exporter:
    """Change the facts given, a renewed qualification year included; the dealer stays."""
    facts = _normalised(facts)
    markets = facts.pop("markets", None)
    locked = Exporter.objects.select_for_update().get(pk=exporter.pk)
    for name, value in facts.items():
        setattr(locked, name, value)
    return _save(locked, markets)


@transaction.atomic
def exporter_document_add(
    *,
    exporter: Exporter,
    kind: str,
    file: File,
    title: str = "",
    valid_until: date | None = None,
    by: User | None = None,
) -> ExporterDocument:
    """Keep a document on file for an exporter: a PDF, JPEG or PNG, checked by its content
    and stored under a name the server chooses."""
    if not file:
        raise ValidationError({"file": _("Choose the file to keep.")})
    problem = uploads.upload_problem(
        file, kinds=uploads.PAPER_KINDS, described=_("a PDF, JPEG or PNG")
    )
    if problem:
        raise ValidationError({"file": problem})
    document = ExporterDocument(
        exporter=exporter,
        kind=kind,
        title=(title or "").strip(),
        file=file,
        valid_until=valid_until,
    )
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def exporter_document_remove(*, document: ExporterDocument) -> None:
    stored = ExporterDocument.objects.filter(pk=document.pk).first()
    if stored is None:
        return
    stored.delete()
    delete_files_on_commit([stored.file])
