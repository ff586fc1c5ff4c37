"""Under /api/ every error is JSON in the one shape, whoever answers it: an operation, the URL
resolver, a middleware or the server-error handler."""

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def _shape(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    return body


def test_unknown_urls_and_ids_are_json_404s(api_a):
    for path in ("/api/v1/nothing", "/api/v2/vehicles", "/api/", "/api/v1/vehicles/0"):
        _shape(api_a.get(path), 404)


def test_a_wrong_method_is_a_json_405_that_names_the_allowed_ones(api_a):
    response = api_a.delete("/api/v1/vehicles")
    _shape(response, 405)
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_a_request_carrying_a_nul_is_a_json_400(api_a):
    _shape(api_a.get("/api/v1/vehicles", {"q": "a\x00b"}), 400)


def test_a_server_error_is_json_and_saves_nothing(api_a, monkeypatch, settings):
    from api.v1 import cashflow

    settings.DEBUG = False
    api_a.raise_request_exception = False

    def broken(dealers):
        raise RuntimeError("a bug")

    monkeypatch.setattr(cashflow, "dealer_figures", broken)
    body = _shape(api_a.get("/api/v1/cash-flow"), 500)
    assert "<" not in body["detail"]


def test_a_lost_database_is_a_json_503(api_a, monkeypatch):
    from api.v1 import cashflow

    def gone(dealers):
        raise OperationalError("connection refused")

    monkeypatch.setattr(cashflow, "dealer_figures", gone)
    response = api_a.get("/api/v1/cash-flow")
    _shape(response, 503)
    assert response["Retry-After"] == "60"


def test_no_token_is_a_json_401(client):
    _shape(client.get("/api/v1/vehicles"), 401)
