"""Documents the importer or exporter must hold: conformity certificates and whom the
compliance certificate names. No Django import."""

from inventory.messages import Country, Message, gettext_noop

from .engine import Broken, Document, Met, Missing, Note, Param, rule
from .helpers import letters


def _certificate(document, template):
    def check(rule, facts, situation):
        if facts.holds(document, situation.destination):
            return Met()
        accepted = tuple(rule.params.get("accepted") or ())
        standard = rule.params.get("standard", "")
        return Missing(
            document,
            Message(template, country=Country(rule.market), accepted=accepted, standard=standard),
        )

    return check


rule(
    "CONFORMITY_EU_US_GCC_SA",
    "Conformity to EU, US, GCC or Saudi technical regulations.",
    accepted=Param(list, of=str),
)(
    _certificate(
        Document.CONFORMITY_CERTIFICATE,
        gettext_noop("%(country)s needs a certificate of conformity to one of: %(accepted)s."),
    )
)
rule("GSO_CONFORMITY_CERT_REQUIRED", "A valid GSO conformity certificate.")(
    _certificate(
        Document.GSO_CONFORMITY_CERTIFICATE,
        gettext_noop("%(country)s needs a valid GSO conformity certificate."),
    )
)
rule("EV_GSO_2698_CONFORMITY", "EVs conform to a GSO standard.", standard=Param(str))(
    _certificate(
        Document.GSO_CONFORMITY_CERTIFICATE,
        gettext_noop("%(country)s needs a GSO certificate of conformity to %(standard)s."),
    )
)
rule(
    "ERA_GLONASS_AND_SBKTS_OR_OTTS",
    "An ERA-GLONASS unit and a type approval (OTTS) or single-vehicle certificate (SBKTS).",
)(
    _certificate(
        Document.RUSSIAN_TYPE_APPROVAL,
        gettext_noop(
            "%(country)s needs an ERA-GLONASS emergency-call unit and a type approval (OTTS) or "
            "single-vehicle safety certificate (SBKTS)."
        ),
    )
)


@rule("CERT_HOLDER_MUST_BE_DECLARANT", "The compliance certificate names the declarant.")
def certificate_holder_is_declarant(rule, facts, situation):
    """U1: the car is not released into free circulation when its compliance certificate was
    issued to someone other than the person declaring it. Checked against the declarant the
    shipment records; outside a shipment there is no one to compare with."""
    country = rule.market
    declarant = situation.declarant
    if declarant is None:
        return Note(
            Message(
                gettext_noop(
                    "In %(country)s the compliance certificate must be issued to the person "
                    "who declares the car."
                ),
                country=Country(country),
            )
        )
    if not letters(declarant):
        return Missing(
            Document.IMPORT_DECLARANT,
            Message(
                gettext_noop(
                    "Record the shipment's import declarant: in %(country)s the compliance "
                    "certificate must be issued to the person who declares the car."
                ),
                country=Country(country),
            ),
        )
    certificates = [
        d
        for d in facts.documents
        if d.kind == Document.COMPLIANCE_CERTIFICATE and d.country_code in ("", country)
    ]
    holders = [d.holder for d in certificates if letters(d.holder)]
    if any(letters(holder) == letters(declarant) for holder in holders):
        return Met(
            Message(
                gettext_noop(
                    "The compliance certificate is issued to %(declarant)s, the declarant."
                ),
                declarant=declarant,
            )
        )
    if holders:
        return Broken(
            Message(
                gettext_noop(
                    "The compliance certificate is issued to %(holder)s but %(declarant)s "
                    "declares the car; %(country)s releases it only to the certificate's holder."
                ),
                holder=holders[0],
                declarant=declarant,
                country=Country(country),
            )
        )
    if certificates:
        return Missing(
            Document.COMPLIANCE_CERTIFICATE,
            Message(
                gettext_noop(
                    "Record whom the compliance certificate on file was issued to: it must be "
                    "%(declarant)s, the declarant."
                ),
                declarant=declarant,
            ),
        )
    return Note(
        Message(
            gettext_noop(
                "In %(country)s the compliance certificate must be issued to %(declarant)s, "
                "the declarant."
            ),
            country=Country(country),
            declarant=declarant,
        )
    )
