"""Job runs in the admin: a manager reads his dealers' runs and the runs over all dealers."""

import pytest
from django.urls import reverse

from inventory.models import JobRun, Role
from inventory.services import job_run_start
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def runs(dealer_a, dealer_b):
    return {
        "platform": job_run_start(job="flag-export-candidates"),
        "own": job_run_start(job="cash-flow-snapshot", dealer=dealer_a),
        "other": job_run_start(job="cash-flow-snapshot", dealer=dealer_b),
    }


def change_url(run):
    return reverse("admin:inventory_jobrun_change", args=[run.pk])


# A manager sees what ran for his dealers and over all dealers (the nightly candidate job),
# never another dealer's runs (404, as for any other dealer's object); runs are records, so
# nobody but a superuser changes or deletes them (403).
@pytest.mark.parametrize(
    ("run", "listed", "opened", "post_change", "post_delete"),
    [
        ("platform", True, 200, 403, 403),
        ("own", True, 200, 403, 403),
        # Posts are refused before the row is looked up, alike for any id.
        ("other", False, 404, 403, 403),
    ],
)
def test_a_manager_reads_his_and_platform_wide_runs_only(
    client, manager_a, runs, run, listed, opened, post_change, post_delete
):
    client.force_login(manager_a)
    target = runs[run]
    changelist = client.get(reverse("admin:inventory_jobrun_changelist")).content.decode()
    assert (change_url(target) in changelist) is listed
    page = client.get(change_url(target))
    assert page.status_code == opened
    if opened == 200:
        html = page.content.decode()
        assert 'name="_save"' not in html
        assert "Delete" not in html.split('id="content"')[1]
    assert client.post(change_url(target), {"job": "renamed"}).status_code == post_change
    delete = reverse("admin:inventory_jobrun_delete", args=[target.pk])
    assert client.post(delete, {"post": "yes"}).status_code == post_delete
    assert JobRun.objects.filter(pk=target.pk, job=target.job).exists()


# Fail closed: platform-wide runs are for people who work for a dealer (in the role asked
# for), not for anyone signed in.
@pytest.mark.parametrize(
    ("member_role", "roles", "sees_platform"),
    [
        (None, [Role.MANAGER], False),
        (Role.STAFF, [Role.MANAGER], False),
        (Role.STAFF, None, True),
        (Role.MANAGER, [Role.MANAGER], True),
    ],
)
def test_platform_wide_runs_are_visible_only_to_dealers_people(
    dealer_a, runs, member_role, roles, sees_platform
):
    user = UserFactory(username="someone")
    if member_role:
        MembershipFactory(user=user, dealer=dealer_a, role=member_role)
    visible = set(JobRun.objects.visible_to(user, roles=roles))
    assert (runs["platform"] in visible) is sees_platform
    assert runs["other"] not in visible
