"""Fixtures of the API tests: tokens made through the service, and clients that send them."""

import pytest
from django.test import Client

from api.models import TokenScope
from api.services import api_token_create


class ApiClient(Client):
    """A client that sends `Authorization: Bearer <key>` and JSON bodies."""

    def __init__(self, key=None, **kwargs):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        super().__init__(headers=headers, **kwargs)

    def post(self, path, data=None, content_type="application/json", **extra):
        return super().post(path, data, content_type=content_type, **extra)

    def patch(self, path, data=None, content_type="application/json", **extra):
        return super().patch(path, data, content_type=content_type, **extra)


def make_token(dealer, by, *, scope=TokenScope.READ_WRITE, name="DMS sync", **kwargs):
    return api_token_create(dealer=dealer, name=name, scope=scope, by=by, **kwargs)


@pytest.fixture
def token_a(dealer_a, manager_a):
    """(token, key) with read and write rights at dealer_a."""
    return make_token(dealer_a, manager_a)


@pytest.fixture
def api_a(token_a):
    return ApiClient(token_a[1])


@pytest.fixture
def api_b(dealer_b, manager_b):
    """A read-write client of dealer_b: the other dealer."""
    return ApiClient(make_token(dealer_b, manager_b)[1])
