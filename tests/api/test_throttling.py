"""Each token has its own budget of requests a minute; beyond it, 429 with Retry-After."""

import pytest
from django.core.cache import cache

from .conftest import ApiClient, make_token

pytestmark = pytest.mark.django_db


def test_a_token_past_its_rate_is_told_when_to_retry(api_a, dealer_a, manager_a, settings):
    cache.clear()
    settings.API_RATE_LIMIT = 3
    answers = [api_a.get("/api/v1/cash-flow").status_code for _ in range(4)]
    assert answers[:3] == [200, 200, 200]
    refused = api_a.get("/api/v1/cash-flow")
    assert refused.status_code == 429
    assert refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another token of the same dealer has its own budget.
    other = ApiClient(make_token(dealer_a, manager_a, name="other")[1])
    assert other.get("/api/v1/cash-flow").status_code == 200


def test_the_count_is_shared_through_redis(on_redis, api_a, settings):
    from django.core.cache import caches

    assert "redis" in caches["default"].__class__.__module__.lower()
    cache.clear()
    settings.API_RATE_LIMIT = 2
    assert [api_a.get("/api/v1/cash-flow").status_code for _ in range(3)] == [200, 200, 429]
