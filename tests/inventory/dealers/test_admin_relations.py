"""A manager posts every admin add and change form with another dealer's rows in every
relation field, main form and inlines alike: each one is refused and nothing is written.

The forms and their fields are read from the admin site itself, so a new admin, field or
inline is covered without editing this test; a relation to a model this test cannot find a
foreign row for fails it, which asks for that model to be classified in `inventory.access`.
"""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from inventory.access import _SHARED_LABELS, users_manageable_by
from inventory.models import Role
from tests.factories import MembershipFactory, UserFactory, dealer_world

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def worlds(markets, dealer_a, dealer_b, manager_a, manager_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dealer_world(dealer_a, tag="a")
    dealer_world(dealer_b, tag="b")
    User.objects.create_superuser("root", "root@example.com", "x")


def _foreign_rows(model, manager):
    """Rows of `model` the manager must never be able to pick; None for shared settings."""
    rows = model._default_manager.all()
    if model is User:
        return list(rows.exclude(pk__in=users_manageable_by(manager).values("pk")))
    if hasattr(rows, "visible_to"):
        visible = rows.visible_to(manager, roles=[Role.MANAGER]).values("pk")
        return list(rows.exclude(pk__in=visible))
    return None


def _relation_fields(form):
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.ModelChoiceField) and not field.disabled
    ]


def _pages(manager):
    """(model admin, url, own object or None) for every add and change form the manager has."""
    request = RequestFactory().get("/admin/")
    request.user = manager
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if model_admin.has_add_permission(request):
            yield model_admin, reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), None
        own = model_admin.get_queryset(request).first()
        if own is not None and model_admin.has_change_permission(request, own):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[own.pk])
            yield model_admin, url, own


def _management_data(inline_formsets, chosen=None):
    data = {}
    for inline in inline_formsets:
        prefix = inline.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = str(
            inline.formset.initial_form_count() + (1 if inline is chosen else 0)
        )
        data[f"{prefix}-INITIAL_FORMS"] = str(inline.formset.initial_form_count())
        for index, form in enumerate(inline.formset.initial_forms):
            data[f"{prefix}-{index}-id"] = str(form.instance.pk)
    return data


def _refused(response, field, inline=None):
    if response.status_code in (403, 404):
        return True
    if response.status_code != 200:
        return False
    if inline is None:
        return field in response.context["adminform"].form.errors
    for shown in response.context["inline_admin_formsets"]:
        if shown.formset.prefix == inline:
            return any(field in errors for errors in shown.formset.errors)
    return False


def test_no_relation_field_accepts_another_dealers_row(client, worlds, manager_a):
    client.force_login(manager_a)
    tried = []
    for model_admin, url, own in _pages(manager_a):
        page = client.get(url)
        assert page.status_code == 200, url
        main_form = page.context["adminform"].form
        inlines = list(page.context["inline_admin_formsets"])
        targets = [(None, name, main_form.fields[name]) for name in _relation_fields(main_form)]
        for inline in inlines:
            if not inline.has_add_permission and not inline.has_change_permission:
                continue
            form = inline.formset.empty_form
            # The parent link is set by the admin and the row id is looked up among the
            # parent's own rows; every other relation is the manager's choice.
            own_keys = {inline.formset.fk.name, inline.formset.model._meta.pk.name}
            for name in _relation_fields(form):
                if name not in own_keys:
                    targets.append((inline, name, form.fields[name]))
        for inline, name, field in targets:
            related = field.queryset.model
            foreign = _foreign_rows(related, manager_a)
            if foreign is None:
                assert related._meta.label_lower in _SHARED_LABELS or related._meta.label_lower in {
                    "auth.group",
                    "auth.permission",
                }, f"{url} {name}: {related._meta.label} is neither dealer data nor shared"
                continue
            assert foreign, f"{url} {name}: no row of {related._meta.label} at the other dealer"
            for row in foreign[:3]:
                multiple = isinstance(field, forms.ModelMultipleChoiceField)
                value = [str(row.pk)] if multiple else str(row.pk)
                data = _management_data(inlines, chosen=inline)
                if inline is None:
                    data[name] = value
                    key = name
                else:
                    index = inline.formset.initial_form_count()
                    key = f"{inline.formset.prefix}-{index}-{name}"
                    data[key] = value
                before = model_admin.model._default_manager.count()
                response = client.post(url, data)
                prefix = inline.formset.prefix if inline else None
                assert _refused(response, name, prefix), (
                    f"{url} accepted {related._meta.label} {row.pk} in {key}"
                )
                assert model_admin.model._default_manager.count() == before
                if own is not None:
                    own.refresh_from_db()
                tried.append((url, key))
    # The admin has relation fields to refuse: the walk reached them.
    assert len({url for url, _key in tried}) >= 5, tried


def test_a_manager_cannot_add_another_dealers_user_to_their_dealer(
    client, dealer_a, dealer_b, manager_a
):
    """The reported takeover: a membership for another dealer's user, then a new password."""
    victim = MembershipFactory(dealer=dealer_b, user=UserFactory(username="victim")).user
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:inventory_membership_add"),
        {"user": victim.pk, "dealer": dealer_a.pk, "role": "staff"},
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not victim.memberships.filter(dealer=dealer_a).exists()
    password = reverse("admin:auth_user_password_change", args=[victim.pk])
    response = client.post(password, {"password1": "Taken-over-1", "password2": "Taken-over-1"})
    assert response.status_code in (403, 404)
    victim.refresh_from_db()
    assert not victim.check_password("Taken-over-1")


def test_a_colleague_who_also_works_elsewhere_is_read_only_to_the_manager(
    client, dealer_a, dealer_b, manager_a
):
    shared = UserFactory(username="shared")
    MembershipFactory(dealer=dealer_a, user=shared)
    MembershipFactory(dealer=dealer_b, user=shared)
    client.force_login(manager_a)
    change = reverse("admin:auth_user_change", args=[shared.pk])
    assert client.get(change).status_code == 200  # listed and shown
    response = client.post(change, {"username": "shared", "email": "taken@example.com"})
    assert response.status_code == 403
    password = reverse("admin:auth_user_password_change", args=[shared.pk])
    assert client.get(password).status_code == 403
    membership = shared.memberships.get(dealer=dealer_a)
    response = client.post(
        reverse("admin:inventory_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert shared.memberships.count() == 2


def test_superusers_are_changed_by_superusers_only(client, manager_a):
    root = User.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(manager_a)
    assert client.get(reverse("admin:auth_user_change", args=[root.pk])).status_code == 404
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    new = {"password1": "Zz-1234567", "password2": "Zz-1234567"}
    assert client.post(password, new).status_code in (403, 404)
    root.refresh_from_db()
    assert not root.check_password("Zz-1234567")
