"""Writes to destination markets and their rules go through services: each validates, and a
changed rule has the export candidates judged again once the change commits."""

from datetime import date
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError

from exports import services
from exports.models import DestinationMarket, MarketRule

pytestmark = pytest.mark.django_db


def jordan_rule(**overrides):
    fields = {
        "market": DestinationMarket.objects.get(country_code="JO"),
        "rule_code": "EV_MAX_AGE_YEARS",
        "applies_to": ["ev"],
        "params": {"max_age_years": 4},
        "severity": "block",
        "source_url": "https://example.com/jo",
        "confidence": "H",
        "effective_from": date(2030, 1, 1),
    }
    fields.update(overrides)
    return MarketRule(**fields)


def test_saving_a_rule_rechecks_the_candidates_once_it_commits(
    django_capture_on_commit_callbacks,
):
    with (
        patch("exports.tasks.flag_export_candidates.delay") as queued,
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        rule = services.market_rule_save(rule=jordan_rule())
    queued.assert_not_called()  # not before the rule is committed
    assert len(callbacks) == 1
    with patch("exports.tasks.flag_export_candidates.delay") as queued:
        callbacks[0]()
    queued.assert_called_once_with()
    assert MarketRule.objects.filter(pk=rule.pk, effective_from=date(2030, 1, 1)).exists()


def test_a_rule_with_bad_parameters_is_refused_and_queues_nothing(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ValidationError) as refused,
    ):
        services.market_rule_save(rule=jordan_rule(params={"max_age_years": "three"}))
    assert "max_age_years must be a whole number" in str(refused.value.message_dict["params"])
    assert callbacks == []
    assert not MarketRule.objects.filter(effective_from=date(2030, 1, 1)).exists()


def test_deleting_a_rule_rechecks_the_candidates(django_capture_on_commit_callbacks):
    rule = MarketRule.objects.get(market__country_code="KZ", rule_code="RHD_PROHIBITED")
    with (
        patch("exports.tasks.flag_export_candidates.delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.market_rule_delete(rule=rule)
    queued.assert_called_once_with()
    assert not MarketRule.objects.filter(pk=rule.pk).exists()


def test_a_market_is_validated_before_it_is_saved():
    market = DestinationMarket.objects.get(country_code="KZ")
    market.name = "Kazakhstan (Almaty)"
    assert services.destination_market_save(market=market).name == "Kazakhstan (Almaty)"
    with pytest.raises(ValidationError):
        services.destination_market_save(
            market=DestinationMarket(country_code="KZ", name="Kazakhstan again")
        )
