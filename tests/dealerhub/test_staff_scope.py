"""Staff pages fail closed: a person who works for no dealer gets one answer from every staff
URL, a view reaches dealer rows only through `request.dealer_scope`, and the scope refuses
what it cannot narrow."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from inventory.middleware import DealerScope
from inventory.views.base import staff_view
from tests.dealerhub.test_url_isolation import PUBLIC, PUBLIC_PREFIXES, _fill, _staff_patterns
from tests.factories import UserFactory, dealer_world

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VIEW_MODULES = sorted(
    [
        *ROOT.glob("inventory/views/*.py"),
        *ROOT.glob("exports/views/*.py"),
        ROOT / "dealerhub/views.py",
    ]
)
# Site pages that are not about a dealer's data.
NOT_STAFF = {"healthz"}
NO_DEALER = "not a member of any dealer"


def _staff_urls(world):
    for route, name in _staff_patterns():
        short = name.split(":")[-1]
        if short in PUBLIC | NOT_STAFF or short.startswith(PUBLIC_PREFIXES):
            continue
        if route.startswith(("accounts/", "i18n/")):
            continue
        yield reverse(name, kwargs=_fill(route, world))


def test_a_person_without_a_dealer_gets_the_same_page_from_every_staff_url(
    client, markets, dealer_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    world = dealer_world(dealer_a, tag="a")
    client.force_login(UserFactory(username="nobody"))
    walked = 0
    for url in _staff_urls(world):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 403, f"{method.__name__.upper()} {url}"
            assert NO_DEALER in response.content.decode(), url
        walked += 1
    assert walked >= 30


def _scope_calls(tree):
    """Every node that is an argument of a `dealer_scope.<method>(...)` call, or inside one."""
    inside = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and "dealer_scope" in ast.unparse(node.func.value)
        ):
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                inside.update(id(n) for n in ast.walk(argument))
    return inside


# Reads that are deliberately not narrowed to the user's dealers, and why.
UNSCOPED = {
    # Whether a VIN is taken at a dealer the user cannot see: a yes or no, never the row.
    ("vehicles.py", "Vehicle.objects.filter"),
}


@pytest.mark.parametrize("module", VIEW_MODULES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_views_reach_rows_only_through_the_dealer_scope(module):
    tree = ast.parse(module.read_text())
    scoped = _scope_calls(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.shortcuts":
            assert "get_object_or_404" not in {a.name for a in node.names}, module
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "visible_to"):
            if id(node) in scoped:
                continue
            source = ast.unparse(node)
            parent = next(
                (
                    ast.unparse(p)
                    for p in ast.walk(tree)
                    if isinstance(p, ast.Attribute) and p.value is node
                ),
                source,
            )
            assert (module.name, parent) in UNSCOPED, (
                f"{module.name}:{node.lineno} reads {parent} outside request.dealer_scope"
            )


def test_the_scope_refuses_a_queryset_it_cannot_narrow(staff_a):
    from django.contrib.auth.models import Group

    request = RequestFactory().get("/")
    request.user = staff_a
    request.session = {}
    with pytest.raises(ImproperlyConfigured):
        DealerScope(request).rows(Group.objects.all())


def test_a_page_that_answers_without_the_scope_is_an_error(staff_a):
    from django.http import HttpResponse

    @staff_view("GET")
    def careless(request):
        return HttpResponse("rows from anywhere")

    request = RequestFactory().get("/")
    request.user = staff_a
    request.session = {}
    request.dealer_scope = DealerScope(request)
    with pytest.raises(ImproperlyConfigured):
        careless(request)
