"""A rulebook remembers its verdicts by the facts they read: every car still gets exactly the
verdict, reasons and sentences that judging it alone gives, in whatever order cars come."""

import itertools
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from exports import rules
from exports.eligibility import load_rulebook

pytestmark = pytest.mark.django_db

ON = date(2026, 3, 15)


def cars():
    """Cars that differ in the facts the shipped rules read, some in a fact no rule reads."""
    confirmation = rules.HeldDocument(
        kind=rules.Document.AFTER_SALES_CONFIRMATION,
        country_code="KZ",
        issuer_is_listed_manufacturer=True,
        issuer="BYD Auto",
    )
    facts = []
    for powertrain, steering, registered, odometer, built, papers, battery in itertools.product(
        ("ICE", "BEV"),
        ("LHD", "RHD"),
        (None, ON - timedelta(days=20), ON - timedelta(days=400), date(2018, 5, 2)),
        (0, 40, 900, None),
        (date(2025, 11, 30), date(2021, 3, 15), date(2026, 1, 3)),
        (frozenset(), frozenset({confirmation})),
        (None, Decimal("80"), Decimal("80.0"), Decimal("65")),
    ):
        facts.append(
            rules.VehicleFacts(
                powertrain=powertrain,
                steering_side=steering,
                model_year=built.year,
                make="BYD",
                built_on=built,
                registered_on=registered,
                odometer_km=odometer,
                battery_soh_pct=battery,
                documents=papers,
            )
        )
    return facts


def alone(rulebook, facts):
    return [
        rules.evaluate_market(facts, code, market_rules, rulebook.on, origin_rules=rulebook.origin)
        for code, market_rules in rulebook.markets.items()
    ]


def test_every_car_gets_the_verdict_it_gets_alone_in_any_order(markets):
    # Pairs, not a dict: cars equal as facts (80 and 80.0 per cent) still read differently.
    every = [(facts, alone(load_rulebook(ON), facts)) for facts in cars()]
    for seed in (1, 2):
        random.Random(seed).shuffle(every)
        rulebook = load_rulebook(ON)
        for facts, expected in every:
            got = rulebook.evaluate(facts)
            assert got == expected, facts
            # The sentences too, as a reader sees them (a Decimal written "80.0" stays so).
            assert [[str(r.message) for r in v.reasons] for v in got] == [
                [str(r.message) for r in v.reasons] for v in expected
            ]
    assert len(rulebook.memos) > len(rulebook.markets)  # the markets' and the rules' memories


def test_cars_alike_in_what_a_market_reads_share_its_verdict(markets):
    rulebook = load_rulebook(ON)
    first, second = (
        rules.VehicleFacts(powertrain="ICE", steering_side="LHD", model_year=2025, body_type=body)
        for body in ("sedan", "suv")  # no shipped rule reads the body type
    )
    assert all(
        a is b for a, b in zip(rulebook.evaluate(first), rulebook.evaluate(second), strict=True)
    )
