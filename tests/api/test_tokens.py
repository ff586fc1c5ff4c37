"""API tokens: made by a dealer's managers, kept only as a hash, shown once; a revoked,
expired or orphaned token is refused, a read token may not write."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, TokenScope
from api.services import api_token_create, api_token_revoke
from inventory.models import Membership

from .conftest import ApiClient, make_token

pytestmark = pytest.mark.django_db


def test_a_token_keeps_only_the_hash_of_its_key(token_a):
    token, key = token_a
    assert key.startswith("dh_") and len(key) > 50
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert key not in [str(value) for value in stored.values()]
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(stored["prefix"])


def test_the_key_opens_its_dealer_and_nothing_else_does(api_a, token_a):
    assert api_a.get("/api/v1/cash-flow").status_code == 200
    _token, key = token_a
    for header in ({}, {"Authorization": f"Bearer {key[:-1]}x"}, {"Authorization": key}):
        response = ApiClient().get("/api/v1/cash-flow", headers=header)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"
        assert "Bearer" in response.json()["detail"]


def test_only_a_manager_of_the_dealer_makes_its_tokens(dealer_a, dealer_b, manager_b, staff_a):
    for user in (manager_b, staff_a):
        with pytest.raises(ValidationError) as refused:
            api_token_create(dealer=dealer_a, name="x", by=user)
        assert "dealer" in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused_at_once(api_a, token_a, manager_a):
    api_token_revoke(token=token_a[0], by=manager_a)
    response = api_a.get("/api/v1/vehicles")
    assert response.status_code == 401
    assert response.json()["detail"] == "This API token was revoked."


def test_an_expired_token_is_refused(dealer_a, manager_a):
    token, key = make_token(dealer_a, manager_a, expires_at=timezone.now() + timedelta(hours=1))
    client = ApiClient(key)
    assert client.get("/api/v1/vehicles").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/vehicles")
    assert response.status_code == 401
    assert response.json()["detail"] == "This API token has expired."


def test_a_token_stops_when_its_creator_is_no_longer_a_manager(api_a, manager_a, dealer_a):
    Membership.objects.filter(user=manager_a, dealer=dealer_a).update(role="staff")
    assert api_a.get("/api/v1/vehicles").status_code == 401


def test_a_read_token_reads_but_may_not_write(dealer_a, manager_a):
    _token, key = make_token(dealer_a, manager_a, scope=TokenScope.READ)
    client = ApiClient(key)
    assert client.get("/api/v1/vehicles").status_code == 200
    response = client.post("/api/v1/vehicles", {"vin": "x"})
    assert response.status_code == 403
    assert response.json()["detail"] == "This API token may only read."


def test_last_use_is_written_at_most_once_a_minute(api_a, token_a):
    token = token_a[0]
    api_a.get("/api/v1/cash-flow")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api_a.get("/api/v1/cash-flow")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api_a.get("/api/v1/cash-flow")
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=1)


def test_the_admin_shows_the_key_once_and_stores_its_hash(client, manager_a, dealer_a):
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"dealer": dealer_a.pk, "name": "Website stock feed", "scope": "read"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Website stock feed")
    assert token.created_by == manager_a and token.scope == "read"
    shown = [str(m) for m in response.context["messages"] if "shown only this once" in str(m)]
    assert len(shown) == 1
    key = shown[0].rsplit(" ", 1)[-1]
    assert token.matches(key) and key.startswith(token.prefix)
    assert key not in [
        str(value) for value in ApiToken.objects.filter(pk=token.pk).values()[0].values()
    ]
    assert ApiClient(key).get("/api/v1/vehicles").status_code == 200
    again = client.get(reverse("admin:api_apitoken_changelist"))
    assert key not in again.content.decode()
    change = client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert key not in change.content.decode() and f"{token.prefix}…" in change.content.decode()


def test_a_manager_revokes_in_the_admin_and_sees_only_their_dealers(
    client, manager_a, dealer_a, dealer_b, manager_b
):
    ours, key = make_token(dealer_a, manager_a)
    theirs, _key = make_token(dealer_b, manager_b, name="Bravo feed")
    client.force_login(manager_a)
    listing = client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert "DMS sync" in listing and "Bravo feed" not in listing
    assert client.get(reverse("admin:api_apitoken_change", args=[theirs.pk])).status_code == 404
    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [ours.pk, theirs.pk]},
    )
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.revoked_at is not None and ours.revoked_by == manager_a
    assert theirs.revoked_at is None
    assert ApiClient(key).get("/api/v1/vehicles").status_code == 401


def test_a_manager_cannot_make_a_token_for_another_dealer_in_the_admin(client, manager_a, dealer_b):
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:api_apitoken_add"), {"dealer": dealer_b.pk, "name": "x", "scope": "read"}
    )
    assert response.status_code == 200
    assert "dealer" in response.context["adminform"].form.errors
    assert not ApiToken.objects.exists()
