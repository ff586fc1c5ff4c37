"""Destination markets and their rules: what platform operators save, delete and verify."""

from django.db import transaction

from ..models import DestinationMarket, MarketRule


def _recheck_candidates_on_commit() -> None:
    """A changed rule changes who may leave: judge the candidates again once it is saved."""
    # The tasks call these services, so they are looked up when needed rather than imported
    # when this module loads.
    from .. import tasks

    transaction.on_commit(lambda: tasks.flag_export_candidates.delay())


@transaction.atomic
def destination_market_save(*, market: DestinationMarket) -> DestinationMarket:
    """Add a destination market or change its name, code, side or whether it is open; a market
    opened or closed changes where cars may go, so the candidates are judged again once it
    commits."""
    market.full_clean()
    market.save()
    _recheck_candidates_on_commit()
    return market


@transaction.atomic
def market_rule_save(*, rule: MarketRule) -> MarketRule:
    """Add or change a market's rule; the export candidates are judged again once it commits."""
    rule.full_clean()
    rule.save()
    _recheck_candidates_on_commit()
    return rule


@transaction.atomic
def market_rule_delete(*, rule: MarketRule) -> None:
    """Delete a market's rule; the export candidates are judged again once it commits."""
    rule.delete()
    _recheck_candidates_on_commit()


@transaction.atomic
def market_rule_mark_verified(*, rules, on) -> int:
    """Record that managers re-read the sources of these rules on a date."""
    return MarketRule.objects.filter(pk__in=[r.pk for r in rules]).update(last_verified=on)
