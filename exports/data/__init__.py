"""The destination markets and rules DealerHub ships with, and the loader that applies them."""

import json
from datetime import date
from pathlib import Path

MARKET_RULES_FILE = Path(__file__).with_name("market_rules.json")


def load_market_rules(market_model, rule_model, path=MARKET_RULES_FILE):
    """Create or update the shipped markets and rules; rows managers added are left alone.

    Takes the model classes so that migrations can pass their historical models.
    Returns (markets created, rules created, rules updated).
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    markets = {}
    markets_created = 0
    for row in data["markets"]:
        market, created = market_model.objects.update_or_create(
            country_code=row["country_code"],
            defaults={"name": row["name"], "is_origin": row["is_origin"]},
        )
        markets[market.country_code] = market
        markets_created += created
    created_count = updated_count = 0
    for row in data["rules"]:
        effective_from = row["effective_from"]
        _, created = rule_model.objects.update_or_create(
            market=markets[row["country_code"]],
            rule_code=row["rule_code"],
            effective_from=date.fromisoformat(effective_from) if effective_from else None,
            defaults={
                "applies_to": row["applies_to"],
                "params": row["params"],
                "severity": row["severity"],
                "source_url": row["source_url"],
                "confidence": row["confidence"],
            },
        )
        created_count += created
        updated_count += not created
    return markets_created, created_count, updated_count
