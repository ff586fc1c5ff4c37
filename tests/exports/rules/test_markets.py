"""The destination markets and their rules ship with the project, each rule with its source."""

import pytest
from django.core.exceptions import ValidationError

from exports.data import load_market_rules
from exports.models import DestinationMarket, MarketRule

pytestmark = pytest.mark.django_db


def test_every_market_and_rule_is_loaded_with_a_source():
    assert DestinationMarket.objects.count() == 15
    assert list(
        DestinationMarket.objects.filter(is_origin=True).values_list("country_code", flat=True)
    ) == ["CN"]
    assert MarketRule.objects.count() == 44
    assert not MarketRule.objects.filter(source_url="").exists()
    rule = MarketRule.objects.get(
        market__country_code="CN", rule_code="AFTER_SALES_CONFIRMATION_IF_REGISTERED_WITHIN"
    )
    assert rule.params["max_days_since_registration"] == 180
    assert rule.severity == "block"
    assert MarketRule.objects.get(rule_code="BEV_NEW_EXPORT_LICENCE").applies_to == ["new", "ev"]


def test_low_confidence_rules_only_warn():
    assert not MarketRule.objects.filter(confidence="L", severity="block").exists()


def test_loading_again_changes_nothing_and_keeps_managers_edits():
    MarketRule.objects.filter(rule_code="KZ_CUSTOM").delete()
    kz = DestinationMarket.objects.get(country_code="KZ")
    MarketRule.objects.create(
        market=kz,
        rule_code="KZ_CUSTOM",
        applies_to=["all"],
        severity="info",
        source_url="https://example.org/kz",
        confidence="M",
    )
    assert load_market_rules(DestinationMarket, MarketRule) == (0, 0, 44)
    assert MarketRule.objects.count() == 45


@pytest.mark.parametrize(
    ("applies_to", "message"),
    [([], "cannot be blank"), (["cars"], "Unknown groups: cars")],
)
def test_applies_to_is_checked(applies_to, message):
    rule = MarketRule.objects.first()
    rule.applies_to = applies_to
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert message in exc.value.message_dict["applies_to"][0]


def test_a_rule_cannot_end_before_it_starts():
    from datetime import date

    rule = MarketRule.objects.exclude(effective_from=None).first()
    rule.effective_to = date(2000, 1, 1)
    with pytest.raises(ValidationError) as exc:
        rule.full_clean()
    assert "cannot end before it starts" in str(exc.value)
