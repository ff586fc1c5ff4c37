"""Every operation of the published API, walked with another dealer's token: each of dealer
A's objects is a 404 by every method, and no list shows any of A's rows.

The operations come from the API's own OpenAPI schema, so a new endpoint is walked without
editing this test; one whose path parameter it cannot fill fails it: add the parameter to
`OBJECT_FOR`."""

import re

import pytest

from api.v1 import api
from tests.factories import dealer_world

pytestmark = pytest.mark.django_db

OBJECT_FOR = {
    "vehicle_id": "vehicle",
    "inspection_id": "inspection",
    "shipment_id": "shipment",
}
PARAMETER = re.compile(r"{(\w+)}")


def _operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation, schema


def _example_body(operation, schema):
    """The smallest body the schema accepts, so the request reaches the lookup of the id."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    reference = content["schema"]["$ref"].rsplit("/", 1)[-1]
    definition = schema["components"]["schemas"][reference]
    body = {}
    for name in definition.get("required", []):
        field = definition["properties"][name]
        body[name] = (field.get("enum") or field.get("examples") or ["x"])[0]
    return body


@pytest.fixture
def worlds(markets, dealer_a, dealer_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return dealer_world(dealer_a, tag="a"), dealer_world(dealer_b, tag="b")


def test_every_operation_hides_another_dealers_objects(worlds, api_b):
    theirs, _ours = worlds
    secrets = [theirs["vehicle"].vin, theirs["shipment"].reference, "A-1"]
    walked = listed = 0
    for path, method, operation, schema in _operations():
        names = PARAMETER.findall(path)
        body = _example_body(operation, schema)
        if not names:
            if method != "get":
                continue  # a create names no object of anybody's
            response = api_b.get(path)
            assert response.status_code == 200, f"GET {path}: {response.status_code}"
            for secret in secrets:
                assert secret not in response.content.decode(), f"{path} shows {secret}"
            listed += 1
            continue
        for name in names:
            assert name in OBJECT_FOR, f"{path}: no object for {{{name}}}; add it to OBJECT_FOR"
        url = PARAMETER.sub(lambda match: str(theirs[OBJECT_FOR[match[1]]].pk), path)
        response = (
            getattr(api_b, method)(url, body) if body is not None else getattr(api_b, method)(url)
        )
        assert response.status_code == 404, f"{method.upper()} {url}: {response.status_code}"
        assert response.json()["detail"]
        walked += 1
    assert walked >= 6 and listed >= 6
    vehicle = theirs["vehicle"]
    vehicle.refresh_from_db()
    assert vehicle.status == "in_stock" and vehicle.history.count() == 1


def test_a_token_reads_its_own_dealers_objects_on_the_same_paths(worlds, api_a):
    """The walk above is not vacuous: dealer A's own token finds every object."""
    theirs, _ours = worlds
    for path, method, _operation, _schema in _operations():
        names = PARAMETER.findall(path)
        if method != "get" or not names:
            continue
        url = PARAMETER.sub(lambda match: str(theirs[OBJECT_FOR[match[1]]].pk), path)
        assert api_a.get(url).status_code in (200, 422), url
