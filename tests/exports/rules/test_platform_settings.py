"""Markets, their rules and the beat schedule are shared by every dealer: a dealer's manager
reads them, only platform operators (superusers or the operators' group) change them."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from exports.models import DestinationMarket, MarketRule
from inventory.access import PLATFORM_OPERATORS_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def nightly_job(db):
    every_day = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    return PeriodicTask.objects.create(
        name="flag candidates", task="exports.tasks.flag_export_candidates", interval=every_day
    )


def test_a_manager_reads_but_cannot_change_markets_rules_or_schedules(
    client, markets, manager_a, nightly_job
):
    client.force_login(manager_a)
    china = DestinationMarket.objects.get(country_code="CN")
    rule = china.rules.filter(is_active=True).first()

    assert client.get(reverse("admin:exports_destinationmarket_changelist")).status_code == 200
    page = client.get(reverse("admin:exports_marketrule_change", args=[rule.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]

    client.post(
        reverse("admin:exports_marketrule_change", args=[rule.pk]),
        {"market": china.pk, "rule_code": rule.rule_code, "is_active": ""},
    )
    assert MarketRule.objects.get(pk=rule.pk).is_active
    assert (
        client.get(reverse("admin:exports_destinationmarket_delete", args=[china.pk])).status_code
        == 403
    )
    assert client.get(reverse("admin:exports_destinationmarket_add")).status_code == 403

    response = client.post(
        reverse("admin:django_celery_beat_periodictask_changelist"),
        {"action": "disable_tasks", "_selected_action": [nightly_job.pk]},
    )
    assert response.status_code in (200, 302, 403)
    nightly_job.refresh_from_db()
    assert nightly_job.enabled
    assert (
        client.get(
            reverse("admin:django_celery_beat_periodictask_delete", args=[nightly_job.pk])
        ).status_code
        == 403
    )


def test_a_platform_operator_changes_them(client, markets, manager_a, nightly_job):
    manager_a.groups.add(Group.objects.get_or_create(name=PLATFORM_OPERATORS_GROUP)[0])
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:django_celery_beat_periodictask_changelist"),
        {"action": "disable_tasks", "_selected_action": [nightly_job.pk]},
    )
    assert response.status_code == 302
    nightly_job.refresh_from_db()
    assert not nightly_job.enabled
    china = DestinationMarket.objects.get(country_code="CN")
    page = client.get(reverse("admin:exports_destinationmarket_change", args=[china.pk]))
    assert page.context["has_change_permission"]
