"""The eligibility rules, one table row per rule code and case, against fixed dates."""

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from exports import rules
from exports.rules import (
    Document,
    HeldDocument,
    Outcome,
    Rule,
    VehicleFacts,
    Verdict,
    evaluate_market,
    judge,
    parameter_problems,
)

ON = date(2026, 11, 29)
SEED = json.loads(
    (Path(__file__).resolve().parents[3] / "exports" / "data" / "market_rules.json").read_text()
)
SEED_RULES = {(r["country_code"], r["rule_code"]): r for r in SEED["rules"]}

CAR = VehicleFacts(
    powertrain="BEV",
    steering_side="LHD",
    model_year=2026,
    make="BYD",
    built_on=date(2025, 10, 1),
    registered_on=date(2026, 9, 1),
)
CONFIRMATION = HeldDocument(
    Document.AFTER_SALES_CONFIRMATION,
    country_code="KZ",
    issuer_is_listed_manufacturer=True,
    issuer="BYD Auto Co., Ltd.",
)


def seed_rule(market, code, **changes):
    row = SEED_RULES[(market, code)]
    rule = Rule(
        market=market,
        code=code,
        severity=row["severity"],
        params=row["params"],
        applies_to=tuple(row["applies_to"]),
        source_url=row["source_url"],
    )
    return replace(rule, **changes)


def outcome(market, code, facts=CAR, destination=None, buyer="commercial", on=ON, **rule_changes):
    rule = seed_rule(market, code, **rule_changes)
    situation = rules.Situation(on=on, destination=destination or market, buyer=buyer)
    return judge(rule, facts, situation)


# (market, rule code, facts changes, destination, buyer, expected outcome, words in the sentence)
CASES = [
    # China, origin side
    (
        "CN",
        "AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN",
        {},
        "KZ",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "Registered 89 days ago (at most 180)",
    ),
    (
        "CN",
        "AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN",
        {"registered_on": None},
        "KZ",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "Not registered yet",
    ),
    (
        "CN",
        "AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN",
        {"registered_on": date(2026, 6, 1)},
        "KZ",
        "commercial",
        Outcome.PASS,
        "181 days ago",
    ),
    (
        "CN",
        "AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN",
        {"registered_on": date(2026, 6, 2)},
        "KZ",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "Registered 180 days ago",
    ),
    (
        "CN",
        "AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN",
        {"documents": frozenset({CONFIRMATION})},
        "KZ",
        "commercial",
        Outcome.PASS,
        "on file",
    ),
    (
        "CN",
        "AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN",
        {"documents": frozenset({CONFIRMATION})},
        "UZ",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "confirmation for UZ",
    ),
    (
        "CN",
        "CONFIRMATION_ISSUER_MUST_BE_MIIT_LISTED_MANUFACTURER",
        {},
        "KZ",
        "commercial",
        Outcome.PASS,
        "",
    ),
    (
        "CN",
        "CONFIRMATION_ISSUER_MUST_BE_MIIT_LISTED_MANUFACTURER",
        {"documents": frozenset({replace(CONFIRMATION, issuer_is_listed_manufacturer=False)})},
        "KZ",
        "commercial",
        Outcome.PASS,  # judged with the confirmation itself, only when one is needed
        "only one from the car's manufacturer",
    ),
    (
        "CN",
        "AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN",
        {"documents": frozenset({replace(CONFIRMATION, issuer_is_listed_manufacturer=False)})},
        "KZ",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "was not issued by BYD, the manufacturer listed",
    ),
    # C6 and section 5.2: a licence covers cars of one 10-digit commodity code.
    (
        "CN",
        "EXPORT_LICENCE_MAX_VEHICLES",
        {},
        "KZ",
        "commercial",
        Outcome.INFO,
        "at most 20 used cars with one commodity code; this car goes in a batch under 8703801090.",
    ),
    (
        "CN",
        "EXPORT_LICENCE_MAX_VEHICLES",
        {"powertrain": "ICE", "engine_cc": 4400, "fuel": "diesel", "body_type": "saloon"},
        "KZ",
        "commercial",
        Outcome.INFO,
        "goes in a batch under 8703336110 (unverified)",
    ),
    (
        "CN",
        "EXPORT_LICENCE_MAX_VEHICLES",
        {"powertrain": "ICE", "engine_cc": 998},
        "KZ",
        "commercial",
        Outcome.INFO,
        "code under HS 8703.21 is not known: Record the body type",
    ),
    # C6 (chacewang.com/newsdetail/news618507.html): the registration certificate's owner must
    # be the exporter named on the licence.
    (
        "CN",
        "EXPORTER_EQUALS_REGISTERED_OWNER",
        {},
        "KZ",
        "commercial",
        Outcome.PASS,
        "registered to the exporter",
    ),
    (
        "CN",
        "EXPORTER_EQUALS_REGISTERED_OWNER",
        {"owner_is_exporter": False, "registered_owner": "Wang Lei"},
        "KZ",
        "commercial",
        Outcome.BLOCK,
        "registered to Wang Lei, not to the exporter",
    ),
    (
        "CN",
        "EXPORTER_EQUALS_REGISTERED_OWNER",
        {"owner_is_exporter": False},
        "KZ",
        "commercial",
        Outcome.BLOCK,
        "registered to someone else, not to the exporter",
    ),
    (
        "CN",
        "EXPORTER_EQUALS_REGISTERED_OWNER",
        {"owner_is_exporter": None},
        "KZ",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "Record whom the registration certificate names as owner",
    ),
    ("CN", "TEMP_PLATE_MAX_DAYS", {}, "KZ", "commercial", Outcome.INFO, "at most 60 days"),
    (
        "CN",
        "DEREGISTER_WITHIN_MONTHS_AFTER_CLEARANCE",
        {},
        "KZ",
        "commercial",
        Outcome.INFO,
        "within 2 months",
    ),
    (
        "CN",
        "NO_EXPORT_WITHIN_YEARS_OF_SCRAP_AGE",
        {},
        "KZ",
        "commercial",
        Outcome.PASS,
        "no mandatory scrapping age",
    ),
    (
        "CN",
        "INSPECTION_ONE_PER_VEHICLE",
        {},
        "KZ",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "Inspection needed",
    ),
    (
        "CN",
        "INSPECTION_ONE_PER_VEHICLE",
        {"inspection_accreditation": "CNAS L1234"},
        "KZ",
        "commercial",
        Outcome.PASS,
        "issued inspection report is on file",
    ),
    (
        "CN",
        "INSPECTION_ONE_PER_VEHICLE",
        {"inspection_accreditation": ""},
        "KZ",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "does not name a CMA / CNAS accreditation",
    ),
    # Russia
    ("RU", "PREF_UTIL_FEE_MAX_HP", {"power_kw": 150}, "RU", "commercial", None, ""),
    (
        "RU",
        "PREF_UTIL_FEE_MAX_HP",
        {"power_kw": 150},
        "RU",
        "individual",
        Outcome.WARN,
        "above 80 hp; this car has 203.9 hp",
    ),
    (
        "RU",
        "PREF_UTIL_FEE_MAX_HP",
        {"powertrain": "ICE", "power_kw": 110},
        "RU",
        "individual",
        Outcome.PASS,
        "",
    ),
    ("RU", "PREF_UTIL_FEE_MAX_HP", {}, "RU", "individual", Outcome.INFO, "record the car's power"),
    (
        "RU",
        "ERA_GLONASS_AND_SBKTS_OR_OTTS",
        {},
        "RU",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "ERA-GLONASS",
    ),
    (
        "RU",
        "ERA_GLONASS_AND_SBKTS_OR_OTTS",
        {"documents": frozenset({HeldDocument(Document.RUSSIAN_TYPE_APPROVAL, "RU")})},
        "RU",
        "commercial",
        Outcome.PASS,
        "",
    ),
    (
        "RU",
        "EAEU_REEXPORT_UTIL_FEE_DIFFERENCE",
        {},
        "RU",
        "commercial",
        Outcome.INFO,
        "recycling-fee difference",
    ),
    # Kazakhstan
    ("KZ", "EPTS_PER_INDIVIDUAL_PER_YEAR", {}, "KZ", "individual", Outcome.INFO, "at most 1 car"),
    ("KZ", "EPTS_PER_INDIVIDUAL_PER_YEAR", {}, "KZ", "commercial", None, ""),
    (
        "KZ",
        "UNDER_3Y_ONLY_OTTS_HOLDER",
        {},
        "KZ",
        "commercial",
        Outcome.WARN,
        "the type approval (OTTS), a legal entity; this car is 1 year 1 month",
    ),
    (
        "KZ",
        "UNDER_3Y_ONLY_OTTS_HOLDER",
        {"built_on": date(2023, 11, 1)},
        "KZ",
        "commercial",
        Outcome.PASS,
        "",
    ),
    ("KZ", "RHD_PROHIBITED", {}, "KZ", "commercial", Outcome.PASS, ""),
    (
        "KZ",
        "RHD_PROHIBITED",
        {"steering_side": "RHD"},
        "KZ",
        "commercial",
        Outcome.BLOCK,
        "Right-hand-drive cars may not be imported into KZ",
    ),
    # Kyrgyzstan, Uzbekistan
    ("KG", "EV_DUTY_FREE_QUOTA", {}, "KG", "commercial", Outcome.INFO, "10000 EVs duty-free"),
    ("KG", "EV_DUTY_FREE_QUOTA", {"powertrain": "PHEV"}, "KG", "commercial", None, ""),
    (
        "UZ",
        "CERT_HOLDER_MUST_BE_DECLARANT",
        {},
        "UZ",
        "commercial",
        Outcome.INFO,
        "issued to the person who declares",
    ),
    ("UZ", "MANDATORY_LAB_TEST_16_CRITERIA", {}, "UZ", "commercial", Outcome.INFO, "laboratory"),
    # Jordan
    ("JO", "EV_MAX_AGE_YEARS", {}, "JO", "commercial", Outcome.PASS, ""),
    (
        "JO",
        "EV_MAX_AGE_YEARS",
        {"built_on": date(2023, 9, 10)},
        "JO",
        "commercial",
        Outcome.BLOCK,
        "built in 2023, counts 4 years in 2026 (3 years 2 months old)",
    ),
    (
        "JO",
        "EV_MAX_AGE_YEARS",
        {"built_on": date(2023, 9, 10)},
        "JO",
        "commercial",
        Outcome.BLOCK,
        "EVs older than 3 years, counting the year of clearance, are banned in JO",
    ),
    (
        "JO",
        "CONFORMITY_EU_US_GCC_SA",
        {},
        "JO",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "one of: EU, US, GCC, SA",
    ),
    (
        "JO",
        "USED_EV_MIN_SOH_PERCENT",
        {},
        "JO",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "at least 90% for used EVs; no measurement",
    ),
    (
        "JO",
        "USED_EV_MIN_SOH_PERCENT",
        {"battery_soh_pct": Decimal("88.5")},
        "JO",
        "commercial",
        Outcome.BLOCK,
        "this battery measured 88.5%",
    ),
    (
        "JO",
        "USED_EV_MIN_SOH_PERCENT",
        {"battery_soh_pct": Decimal("90")},
        "JO",
        "commercial",
        Outcome.PASS,
        "90%",
    ),
    (
        "JO",
        "SALVAGE_PROHIBITED",
        {"is_salvage": True},
        "JO",
        "commercial",
        Outcome.BLOCK,
        "Salvage cars",
    ),
    ("JO", "SALVAGE_PROHIBITED", {}, "JO", "commercial", Outcome.PASS, ""),
    # Saudi Arabia
    ("SA", "MAX_AGE_YEARS_LIGHT", {"model_year": 2021}, "SA", "commercial", Outcome.PASS, ""),
    (
        "SA",
        "MAX_AGE_YEARS_LIGHT",
        {"model_year": 2020},
        "SA",
        "commercial",
        Outcome.BLOCK,
        "oldest model year accepted in 2026 is 2021; this car is a 2020",
    ),
    ("SA", "CAFE_SUPPLY_PLAN_SUSPENDED_MAKERS", {}, "SA", "commercial", None, ""),
    ("SA", "RHD_PROHIBITED", {"steering_side": "RHD"}, "SA", "commercial", Outcome.BLOCK, "SA"),
    (
        "SA",
        "DAMAGED_SALVAGE_TAXI_POLICE_PROHIBITED",
        {"flood_damage": True},
        "SA",
        "commercial",
        Outcome.BLOCK,
        "this car has: flood damage",
    ),
    ("SA", "DAMAGED_SALVAGE_TAXI_POLICE_PROHIBITED", {}, "SA", "commercial", Outcome.PASS, ""),
    # United Arab Emirates, Oman
    (
        "AE",
        "GSO_CONFORMITY_CERT_REQUIRED",
        {},
        "AE",
        "commercial",
        Outcome.NEEDS_DOCUMENT,
        "GSO conformity certificate",
    ),
    (
        "AE",
        "USED_VEHICLE_7_BANNED_CATEGORIES",
        {"fire_damage": True, "is_salvage": True},
        "AE",
        "commercial",
        Outcome.BLOCK,
        "salvage title, fire damage",
    ),
    (
        "AE",
        "USED_VEHICLE_7_BANNED_CATEGORIES",
        {},
        "AE",
        "commercial",
        Outcome.INFO,
        "MoIAT VIN search",
    ),
    (
        "AE",
        "MAX_AGE_YEARS_LIGHT",
        {"model_year": 2021},
        "AE",
        "commercial",
        Outcome.WARN,
        "the oldest model year accepted in 2026 is 2022",
    ),
    ("OM", "EV_GSO_2698_CONFORMITY", {}, "OM", "commercial", None, ""),
    # Egypt
    (
        "EG",
        "USED_EV_MAX_AGE_YEARS",
        {"built_on": date(2023, 8, 1)},
        "EG",
        "commercial",
        Outcome.BLOCK,
        "this car is 3 years 3 months",
    ),
    ("EG", "USED_EV_MAX_AGE_YEARS", {}, "EG", "commercial", Outcome.PASS, ""),
    (
        "EG",
        "USED_ICE_NOT_ALLOWED",
        {"powertrain": "PHEV"},
        "EG",
        "commercial",
        Outcome.BLOCK,
        "this car is PHEV",
    ),
    ("EG", "USED_ICE_NOT_ALLOWED", {}, "EG", "commercial", Outcome.PASS, ""),
    ("EG", "RHD_PROHIBITED", {}, "EG", "commercial", Outcome.PASS, ""),
    # Kenya
    ("KE", "MIN_FIRST_REG_YEAR", {}, "KE", "commercial", Outcome.PASS, ""),
    (
        "KE",
        "MIN_FIRST_REG_YEAR",
        {"registered_on": date(2018, 12, 31)},
        "KE",
        "commercial",
        Outcome.BLOCK,
        "on or after 2019-01-01; this car was registered on 2018-12-31",
    ),
    ("KE", "RHD_ONLY", {}, "KE", "commercial", Outcome.BLOCK, "this car is left-hand drive"),
    ("KE", "RHD_ONLY", {"steering_side": "RHD"}, "KE", "commercial", Outcome.PASS, ""),
    (
        "KE",
        "PRE_SHIPMENT_COR_OR_LOCAL_INSPECTION",
        {},
        "KE",
        "commercial",
        Outcome.INFO,
        "inspected on arrival",
    ),
    # Nigeria, Pakistan
    ("NG", "SEAPORT_ONLY", {}, "NG", "commercial", Outcome.INFO, "only through seaports"),
    # P1: the channel was opened only until 2026-06-30; after it, a warning, not a note.
    (
        "PK",
        "COMMERCIAL_USED_MAX_AGE_YEARS",
        {},
        "PK",
        "commercial",
        Outcome.WARN,
        "commercial imports of used cars into PK ended on 2026-06-30",
    ),
    ("PK", "COMMERCIAL_USED_MAX_AGE_YEARS", {}, "PK", "individual", None, ""),
    (
        "PK",
        "COMMERCIAL_USED_REGULATORY_DUTY",
        {},
        "PK",
        "commercial",
        Outcome.INFO,
        "40% regulatory duty until 2026-06-30",
    ),
    (
        "PK",
        "PERSONAL_SCHEME_CAR_MAX_AGE",
        {"built_on": date(2022, 6, 1)},
        "PK",
        "individual",
        Outcome.BLOCK,
        "this car counts 3 years 10 months",
    ),
    ("PK", "PERSONAL_SCHEME_CAR_MAX_AGE", {}, "PK", "individual", Outcome.PASS, ""),
    ("PK", "RHD_MARKET", {}, "PK", "commercial", Outcome.WARN, "PK takes right-hand-drive cars"),
    # Australia, Chile
    (
        "AU",
        "IMPORT_APPROVAL_BEFORE_SHIPPING",
        {},
        "AU",
        "commercial",
        Outcome.BLOCK,
        "25y+, personal 12 months, SEVS via RAW",
    ),
    ("AU", "RHD_REQUIRED", {}, "AU", "commercial", Outcome.BLOCK, "left-hand drive"),
    (
        "CL",
        "USED_VEHICLE_IMPORT_PROHIBITED",
        {},
        "CL",
        "commercial",
        Outcome.BLOCK,
        "CL does not allow used cars",
    ),
    ("CN", "BEV_NEW_EXPORT_LICENCE", {}, "KZ", "commercial", None, ""),
]


@pytest.mark.parametrize(
    ("market", "code", "changes", "destination", "buyer", "expected", "words"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)],
)
def test_each_rule(market, code, changes, destination, buyer, expected, words):
    reason = outcome(market, code, replace(CAR, **changes), destination, buyer)
    if expected is None:
        assert reason is None
        return
    assert reason.outcome is expected, reason.message
    assert words in reason.message
    assert reason.rule_code == code
    assert reason.source_url == SEED_RULES[(market, code)]["source_url"]


UZ_CERTIFICATE = HeldDocument(
    Document.COMPLIANCE_CERTIFICATE, country_code="UZ", issuer="UzStandard", holder="Tashkent Auto"
)


# Uzbekistan U1 (centralasia24.com/uzbekistan/economy/post/1897/...): from 2024-04-01 a car is
# not released into free circulation when its compliance certificate was issued to someone
# other than the declarant.
@pytest.mark.parametrize(
    ("declarant", "documents", "expected", "words"),
    [
        (None, (), Outcome.INFO, "issued to the person who declares"),  # judged off a shipment
        ("", (), Outcome.NEEDS_DOCUMENT, "Record the shipment's import declarant"),
        ("  ", (UZ_CERTIFICATE,), Outcome.NEEDS_DOCUMENT, "import declarant"),
        ("Tashkent Auto", (), Outcome.INFO, "must be issued to Tashkent Auto, the declarant"),
        ("Tashkent Auto", (UZ_CERTIFICATE,), Outcome.PASS, "issued to Tashkent Auto"),
        ("TASHKENT  auto", (UZ_CERTIFICATE,), Outcome.PASS, "the declarant"),
        (
            "Samarkand Motors",
            (UZ_CERTIFICATE,),
            Outcome.BLOCK,
            "issued to Tashkent Auto but Samarkand Motors declares the car",
        ),
        (
            "Samarkand Motors",
            (replace(UZ_CERTIFICATE, holder=""),),
            Outcome.NEEDS_DOCUMENT,
            "Record whom the compliance certificate on file was issued to",
        ),
        # A certificate for another country is not Uzbekistan's.
        ("Samarkand Motors", (replace(UZ_CERTIFICATE, country_code="KZ"),), Outcome.INFO, ""),
        (
            "Samarkand Motors",
            (UZ_CERTIFICATE, replace(UZ_CERTIFICATE, holder="Samarkand Motors")),
            Outcome.PASS,
            "",
        ),
    ],
)
def test_the_uzbek_certificate_holder_must_be_the_declarant(declarant, documents, expected, words):
    rule = seed_rule("UZ", "CERT_HOLDER_MUST_BE_DECLARANT")
    facts = replace(CAR, documents=frozenset(documents))
    situation = rules.Situation(on=ON, destination="UZ", declarant=declarant)
    reason = judge(rule, facts, situation)
    assert reason.outcome is expected, reason.message
    assert words in reason.message


def test_the_declarant_reaches_the_destination_rules():
    rule = seed_rule("UZ", "CERT_HOLDER_MUST_BE_DECLARANT")
    facts = replace(CAR, documents=frozenset({UZ_CERTIFICATE}))
    verdict = evaluate_market(facts, "UZ", [rule], ON, declarant="Samarkand Motors")
    assert verdict.verdict is Verdict.BLOCKED


def test_every_seeded_rule_code_is_implemented_with_valid_parameters():
    # No source read so far states when a market still counts a registered car as new.
    assert {code for _market, code in SEED_RULES} == set(rules.RULES) - {"NEW_VEHICLE_DEFINITION"}
    for (market, code), row in SEED_RULES.items():
        assert parameter_problems(code, row["params"]) == [], (market, code)


def test_every_rule_code_has_a_case_in_the_table():
    # NEW_VEHICLE_DEFINITION has its own table (test_each_market_classes_the_car_its_own_way).
    assert {case[1] for case in CASES} == set(rules.RULES) - {"NEW_VEHICLE_DEFINITION"}


@pytest.mark.parametrize(
    ("code", "params", "problem"),
    [
        ("RHD_PROHIBITED", {}, "steering is missing."),
        ("RHD_PROHIBITED", {"steering": "LHD"}, "steering must be one of RHD, not 'LHD'."),
        ("EV_MAX_AGE_YEARS", {"max_age_years": "three"}, "max_age_years must be a whole number"),
        ("EV_MAX_AGE_YEARS", {"max_age_years": True}, "max_age_years must be a whole number"),
        ("EV_MAX_AGE_YEARS", {"max_age_years": -1}, "max_age_years must be at least 0"),
        ("USED_EV_MIN_SOH_PERCENT", {"min_soh_pct": 90, "typo": 1}, "Unknown parameter(s): typo."),
        ("MIN_FIRST_REG_YEAR", {"min_first_registration": "2019-13-01"}, "YYYY-MM-DD"),
        ("INSPECTION_ONE_PER_VEHICLE", {"lab_accreditation": [1]}, "a list of str values"),
        ("NO_SUCH_RULE", {}, "NO_SUCH_RULE is not a rule code DealerHub knows."),
        ("SEAPORT_ONLY", [], "must be an object"),
    ],
)
def test_parameter_problems_name_the_parameter(code, params, problem):
    assert any(problem in text for text in parameter_problems(code, params))


def test_a_rule_not_yet_in_force_or_expired_does_not_apply():
    later = seed_rule("KZ", "RHD_PROHIBITED", effective_from=date(2027, 1, 1))
    expired = seed_rule("KZ", "RHD_PROHIBITED", effective_to=date(2026, 11, 28))
    today_only = seed_rule("KZ", "RHD_PROHIBITED", effective_from=ON, effective_to=ON)
    rhd = replace(CAR, steering_side="RHD")
    situation = rules.Situation(on=ON, destination="KZ")
    assert judge(later, rhd, situation) is None
    assert judge(expired, rhd, situation) is None
    assert judge(today_only, rhd, situation).outcome is Outcome.BLOCK


def test_unknown_code_or_bad_parameters_are_not_evaluated_and_never_eligible():
    unknown = Rule(market="KZ", code="EURO_7_ONLY", severity="block", source_url="https://x")
    broken = seed_rule("KZ", "RHD_PROHIBITED", params={"steering": 7})
    odd_group = seed_rule("KZ", "RHD_PROHIBITED", applies_to=("used-ish",))
    for rule in (unknown, broken, odd_group):
        verdict = evaluate_market(CAR, "KZ", [rule], ON)
        assert verdict.verdict is Verdict.NOT_EVALUATED
        assert not verdict.exportable
        assert "was not evaluated" in verdict.reasons[0].message
    # A blocking rule still wins over one that could not be judged.
    rhd = replace(CAR, steering_side="RHD")
    both = evaluate_market(rhd, "KZ", [unknown, seed_rule("KZ", "RHD_PROHIBITED")], ON)
    assert both.verdict is Verdict.BLOCKED


def market_rules(country):
    return [seed_rule(m, code) for (m, code) in SEED_RULES if m == country]


def test_a_fresh_zero_km_car_for_kazakhstan_needs_the_confirmation_and_an_inspection():
    verdict = evaluate_market(CAR, "KZ", market_rules("KZ"), ON, origin_rules=market_rules("CN"))
    assert verdict.verdict is Verdict.NEEDS_DOCUMENTS
    assert verdict.missing_documents == (
        Document.AFTER_SALES_CONFIRMATION,
        Document.INSPECTION_REPORT,
    )
    assert verdict.exportable
    markets = {reason.market for reason in verdict.reasons}
    assert markets == {"CN", "KZ"}


def test_with_its_papers_the_car_is_eligible_for_kazakhstan_but_not_kenya():
    papers = replace(
        CAR, documents=frozenset({CONFIRMATION}), inspection_accreditation="CMA 2024-0001"
    )
    kz = evaluate_market(papers, "KZ", market_rules("KZ"), ON, origin_rules=market_rules("CN"))
    assert kz.verdict is Verdict.ELIGIBLE
    assert kz.missing_documents == ()
    ke = evaluate_market(papers, "KE", market_rules("KE"), ON, origin_rules=market_rules("CN"))
    assert ke.verdict is Verdict.BLOCKED
    # The confirmation names Kazakhstan, so Kenya would need its own as well.
    assert Document.AFTER_SALES_CONFIRMATION in ke.missing_documents


def test_verdicts_follow_the_market_rules_across_markets():
    old_ev = replace(CAR, built_on=date(2023, 1, 15), model_year=2023)
    verdicts = {
        market: evaluate_market(old_ev, market, market_rules(market), ON).verdict
        for market in ("JO", "EG", "AU", "CL", "NG")
    }
    assert verdicts == {
        "JO": Verdict.BLOCKED,  # EV too old
        "EG": Verdict.BLOCKED,  # used EV over 3 years
        "AU": Verdict.BLOCKED,
        "CL": Verdict.BLOCKED,
        "NG": Verdict.ELIGIBLE,
    }


def test_messages_keep_their_template_for_translation():
    reason = outcome("JO", "EV_MAX_AGE_YEARS", replace(CAR, built_on=date(2023, 9, 10)))
    assert reason.message.template.startswith("EVs older than %(limit)s years")
    assert reason.message.params["age"].template == "%(years)s years %(months)s months"


@pytest.mark.parametrize(
    ("built_on", "expected", "words"),
    [
        (date(2022, 1, 1), Outcome.PASS, ""),
        (date(2021, 2, 28), Outcome.BLOCK, "less than 5 years old; this car is 5 years 0 months"),
    ],
)
def test_pakistan_commercial_age_limit_while_the_window_is_open(built_on, expected, words):
    reason = outcome(
        "PK", "COMMERCIAL_USED_MAX_AGE_YEARS", replace(CAR, built_on=built_on), on=date(2026, 3, 1)
    )
    assert reason.outcome is expected
    assert words in reason.message


def test_new_bev_licence_rule_is_for_new_cars_only():
    situation = rules.Situation(on=ON, destination="KZ", used=False)
    reason = judge(seed_rule("CN", "BEV_NEW_EXPORT_LICENCE"), CAR, situation)
    assert reason.outcome is Outcome.INFO
    assert "8703801090" in reason.message


def test_origin_rules_alone_count_no_confirmation_since_it_names_one_country():
    # C12: the confirmation states the export country, so none is valid for every destination.
    kz_only = replace(CAR, documents=frozenset({CONFIRMATION}))
    no_country = replace(CAR, documents=frozenset({replace(CONFIRMATION, country_code="")}))
    code = "AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN"
    for facts in (kz_only, no_country):
        (reason,) = [
            r for r in rules.evaluate_origin(facts, market_rules("CN"), ON) if r.rule_code == code
        ]
        assert reason.outcome is Outcome.NEEDS_DOCUMENT
        assert "confirmation for each destination" in reason.message


# Russia R1 (news.mail.ru/economics/68919083/): the preferential recycling fee only up to 160 hp
# (EVs 80 hp). 1 kW = 1.35962 metric hp, compared unrounded: 118 kW is 160.43516 hp.
@pytest.mark.parametrize(
    ("powertrain", "power_kw", "expected", "words"),
    [
        ("ICE", 117, Outcome.PASS, ""),  # 159.07554 hp
        ("ICE", 118, Outcome.WARN, "above 160 hp; this car has 160.4 hp"),  # rounds to 160
        ("BEV", 58, Outcome.PASS, ""),  # 78.85796 hp
        ("BEV", 59, Outcome.WARN, "above 80 hp; this car has 80.2 hp"),  # rounds to 80
    ],
)
def test_power_limits_compare_the_exact_metric_horsepower(powertrain, power_kw, expected, words):
    facts = replace(CAR, powertrain=powertrain, power_kw=power_kw)
    reason = outcome("RU", "PREF_UTIL_FEE_MAX_HP", facts, buyer="individual")
    assert reason.outcome is expected
    assert words in reason.message


# Kenya KE1 (hapakenya.com/2025/11/14/kebs-announces-new-rules-...): from 2026-01-01 only cars
# first registered on or after 2019-01-01, the rolling 8-year rule of KS 1515:2000 clause 5.1.
# The seeded date is the 2026 cut-off, so the year of registration counts as year one and
# the cut-off moves on by one year each 1 January.
@pytest.mark.parametrize(
    ("on", "registered_on", "expected"),
    [
        (date(2026, 12, 31), date(2019, 1, 1), Outcome.PASS),
        (date(2026, 12, 31), date(2018, 12, 31), Outcome.BLOCK),
        (date(2027, 1, 1), date(2019, 12, 31), Outcome.BLOCK),
        (date(2027, 1, 1), date(2020, 1, 1), Outcome.PASS),
        (date(2030, 6, 1), date(2022, 12, 31), Outcome.BLOCK),
        (date(2030, 6, 1), date(2023, 1, 1), Outcome.PASS),
    ],
)
def test_kenya_rolling_cutoff_moves_one_year_each_year(on, registered_on, expected):
    facts = replace(CAR, registered_on=registered_on)
    assert outcome("KE", "MIN_FIRST_REG_YEAR", facts, on=on).outcome is expected


def test_kenya_derived_cutoff_is_the_seeded_date_in_the_year_it_took_effect():
    row = SEED_RULES[("KE", "MIN_FIRST_REG_YEAR")]
    effective = date.fromisoformat(row["effective_from"])
    cutoffs = rules.registration_cutoffs([seed_rule("KE", "MIN_FIRST_REG_YEAR")], effective)
    assert cutoffs == (date.fromisoformat(row["params"]["min_first_registration"]),)


# Ages are counted to the day from the date each source names; the anniversary is the last day
# within an "at most N years" limit, and already too old for a "less than N years" one.
# EG E1 (dailynewsegypt.com/2018/03/31/...): used EVs at most 3 years from production to shipment.
# PK P2 (scribd.com/document/494652812): personal-scheme cars at most 3 years, counted from
#   1 January of the year after manufacture to the B/L date.
# PK P1 (brecorder.com/news/40385413, SRO 1895(I)/2025): commercial used imports less than 5 years.
# KZ K2 (unattributed KGD excerpt): cars less than 3 years old only by the OTTS holder.
AGE_BOUNDARIES = [
    ("EG", "USED_EV_MAX_AGE_YEARS", date(2023, 3, 15), date(2026, 3, 15), "commercial", "pass"),
    ("EG", "USED_EV_MAX_AGE_YEARS", date(2023, 3, 15), date(2026, 3, 16), "commercial", "block"),
    ("EG", "USED_EV_MAX_AGE_YEARS", date(2023, 3, 15), date(2026, 4, 14), "commercial", "block"),
    ("PK", "PERSONAL_SCHEME_CAR_MAX_AGE", date(2022, 7, 1), date(2026, 1, 1), "individual", "pass"),
    (
        "PK",
        "PERSONAL_SCHEME_CAR_MAX_AGE",
        date(2022, 7, 1),
        date(2026, 1, 2),
        "individual",
        "block",
    ),
    (
        "PK",
        "PERSONAL_SCHEME_CAR_MAX_AGE",
        date(2022, 12, 31),
        date(2026, 1, 30),
        "individual",
        "block",
    ),
    (
        "PK",
        "COMMERCIAL_USED_MAX_AGE_YEARS",
        date(2021, 3, 1),
        date(2026, 2, 28),
        "commercial",
        "pass",
    ),
    (
        "PK",
        "COMMERCIAL_USED_MAX_AGE_YEARS",
        date(2021, 3, 1),
        date(2026, 3, 1),
        "commercial",
        "block",
    ),
    ("KZ", "UNDER_3Y_ONLY_OTTS_HOLDER", date(2023, 12, 2), date(2026, 12, 1), "commercial", "warn"),
    ("KZ", "UNDER_3Y_ONLY_OTTS_HOLDER", date(2023, 12, 1), date(2026, 12, 1), "commercial", "pass"),
]


@pytest.mark.parametrize(("market", "code", "built", "on", "buyer", "expected"), AGE_BOUNDARIES)
def test_ages_are_counted_to_the_day(market, code, built, on, buyer, expected):
    reason = outcome(market, code, replace(CAR, built_on=built), buyer=buyer, on=on)
    assert reason.outcome == expected, reason.message


@pytest.mark.parametrize("day", range(1, 29))
@pytest.mark.parametrize("built_day", [1, 14, 15, 16, 28])
def test_the_stand_in_build_date_is_judged_like_the_real_one(day, built_day):
    on = date(2026, 3, day)
    day_class = 0 if built_day < day else 1 if built_day == day else 2
    real = replace(CAR, built_on=date(2023, 3, built_day))
    stand_in = replace(CAR, built_on=rules.canonical_built_on(2023, 3, day_class, on))
    for market, code, _built, _on, buyer, _expected in AGE_BOUNDARIES:
        expected = outcome(market, code, real, buyer=buyer, on=on).outcome
        assert outcome(market, code, stand_in, buyer=buyer, on=on).outcome == expected


# C12 (Shang Mao Han [2025] No. 648, aicarglobal.com; ncfchina.co.uk): from 2026-01-01 a car
# applying for export within 180 days (inclusive) of registration needs the maker's after-sales
# confirmation, stating the export country. C13 (sietonauto.com/NewsDetail/6524032.html): only
# the manufacturer listed in MIIT's announcement may issue it, not its sales company or dealers.
WRONG_ISSUER = replace(
    CONFIRMATION, issuer="BYD Auto Sales Co.", issuer_is_listed_manufacturer=False
)
OTHER_MAKER = replace(CONFIRMATION, issuer="Geely Automobile Holdings")
CONFIRMATION_CASES = [
    # (days since registration, papers, verdict for KZ, words)
    (181, (), Verdict.NEEDS_DOCUMENTS, ""),  # only the inspection report is missing
    (181, (WRONG_ISSUER,), Verdict.NEEDS_DOCUMENTS, ""),
    (181, (OTHER_MAKER,), Verdict.NEEDS_DOCUMENTS, ""),
    (180, (), Verdict.NEEDS_DOCUMENTS, "No after-sales confirmation is on file"),
    (180, (WRONG_ISSUER,), Verdict.NEEDS_DOCUMENTS, "was not issued by BYD"),
    (180, (OTHER_MAKER,), Verdict.NEEDS_DOCUMENTS, "was not issued by BYD"),
    (180, (replace(CONFIRMATION, country_code="UZ"),), Verdict.NEEDS_DOCUMENTS, "not name KZ"),
    (180, (replace(CONFIRMATION, country_code=""),), Verdict.NEEDS_DOCUMENTS, "not name KZ"),
    (180, (CONFIRMATION,), Verdict.NEEDS_DOCUMENTS, "on file"),
]


@pytest.mark.parametrize(("days", "papers", "verdict", "words"), CONFIRMATION_CASES)
def test_the_confirmation_is_asked_for_and_checked_only_within_180_days(
    days, papers, verdict, words
):
    facts = replace(
        CAR,
        registered_on=date.fromordinal(ON.toordinal() - days),
        documents=frozenset(papers),
    )
    result = evaluate_market(facts, "KZ", market_rules("KZ"), ON, origin_rules=market_rules("CN"))
    assert result.verdict is verdict
    missing_confirmation = Document.AFTER_SALES_CONFIRMATION in result.missing_documents
    assert missing_confirmation is (days <= 180 and papers != (CONFIRMATION,))
    assert result.missing_documents[-1] == Document.INSPECTION_REPORT
    (reason,) = [
        r for r in result.reasons if r.rule_code == "AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN"
    ]
    assert words in reason.message
    # A paper nobody asked for never changes the answer.
    bare = evaluate_market(
        replace(facts, documents=frozenset()),
        "KZ",
        market_rules("KZ"),
        ON,
        origin_rules=market_rules("CN"),
    )
    if days > 180:
        assert result.missing_documents == bare.missing_documents


# C3 (Announcement No. 6 of 2024, truckmaker.cn/?Company-News/289.html): a used car is one
# traded after registration; an unregistered car leaves China as a new car.
def test_an_unregistered_car_is_not_judged_as_a_used_export():
    facts = replace(CAR, registered_on=None)
    result = evaluate_market(facts, "KZ", market_rules("KZ"), ON, origin_rules=market_rules("CN"))
    codes = {r.rule_code: r for r in result.reasons}
    assert "USED_CAR_MEANS_REGISTERED" in codes
    assert "judged as a new export" in codes["USED_CAR_MEANS_REGISTERED"].message
    assert "AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN" not in codes
    assert "INSPECTION_ONE_PER_VEHICLE" not in codes
    # C16 (en.people.cn/n3/2025/0928/c90000-20372259.html): new BEVs need an export licence.
    assert codes["BEV_NEW_EXPORT_LICENCE"].outcome is Outcome.INFO
    registered = evaluate_market(CAR, "KZ", market_rules("KZ"), ON, origin_rules=market_rules("CN"))
    assert "USED_CAR_MEANS_REGISTERED" not in {r.rule_code for r in registered.reasons}
    assert "BEV_NEW_EXPORT_LICENCE" not in {r.rule_code for r in registered.reasons}


# Oman A4 (omanobserver.om/article/1135702): from 2023-05-01 new EVs need a GSO-approved
# certificate of conformity to GSO 2698:2022. Saudi S2 (zawya.com, 2024-05-20): SASO suspends
# new-car supply from makers that miss the CAFE plan; "a zero-km car may be treated as new by
# SASO". Neither says when a registered car stops being new, so both sets of rules apply.
def test_a_zero_km_bev_to_oman_needs_the_gso_2698_certificate():
    papers = frozenset({replace(CONFIRMATION, country_code="OM")})
    facts = replace(CAR, documents=papers, inspection_accreditation="CNAS L1")
    result = evaluate_market(facts, "OM", market_rules("OM"), ON, origin_rules=market_rules("CN"))
    assert result.verdict is Verdict.NEEDS_DOCUMENTS
    assert result.missing_documents == (Document.GSO_CONFORMITY_CERTIFICATE,)
    codes = {r.rule_code: r for r in result.reasons}
    assert "rules for new cars are applied as well" in codes["NEW_VEHICLE_DEFINITION"].message
    with_certificate = replace(
        facts, documents=papers | {HeldDocument(Document.GSO_CONFORMITY_CERTIFICATE, "OM")}
    )
    assert (
        evaluate_market(
            with_certificate, "OM", market_rules("OM"), ON, origin_rules=market_rules("CN")
        ).verdict
        is Verdict.ELIGIBLE
    )


def test_saudi_cafe_suspension_shows_for_a_near_new_car():
    result = evaluate_market(CAR, "SA", market_rules("SA"), ON)
    assert "CAFE_SUPPLY_PLAN_SUSPENDED_MAKERS" in {r.rule_code for r in result.reasons}


def test_markets_without_new_rules_class_a_registered_car_as_used_silently():
    result = evaluate_market(CAR, "KZ", market_rules("KZ"), ON)
    assert "NEW_VEHICLE_DEFINITION" not in {r.rule_code for r in result.reasons}


DEFINITION = Rule(
    market="XX",
    code="NEW_VEHICLE_DEFINITION",
    severity="info",
    params={"max_days_since_registration": 180, "max_km": 100},
)
USED_BAN = Rule(
    market="XX", code="USED_VEHICLE_IMPORT_PROHIBITED", severity="block", applies_to=("used",)
)
NEW_CERT = Rule(
    market="XX", code="GSO_CONFORMITY_CERT_REQUIRED", severity="block", applies_to=("new",)
)


@pytest.mark.parametrize(
    ("days", "odometer_km", "verdict"),
    [
        (180, 100, Verdict.NEEDS_DOCUMENTS),  # new there: the certificate, not the used ban
        (181, 100, Verdict.BLOCKED),  # used there: the used-car ban
        (180, 101, Verdict.BLOCKED),
        (180, None, Verdict.BLOCKED),  # odometer unknown: both sets apply
    ],
)
def test_each_market_classes_the_car_its_own_way(days, odometer_km, verdict):
    facts = replace(
        CAR, registered_on=date.fromordinal(ON.toordinal() - days), odometer_km=odometer_km
    )
    result = evaluate_market(facts, "XX", (DEFINITION, USED_BAN, NEW_CERT), ON)
    assert result.verdict is verdict
    assert (Document.GSO_CONFORMITY_CERTIFICATE in result.missing_documents) is (
        days <= 180 and odometer_km in (100, None)
    )


def test_a_new_vehicle_definition_moves_the_registration_cutoffs():
    assert rules.registration_cutoffs([DEFINITION], ON) == (date(2026, 6, 2),)
