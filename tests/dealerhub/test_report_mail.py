"""The weekly report and the compliance digest as they arrive: charts as inline PNG pictures,
a complete plain-text part, links back to the site, and each manager's own language."""

import email
import re
from datetime import timedelta
from email import policy

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dealerhub import reports, services
from exports import deadlines
from exports import services as export_services
from inventory import services as inventory_services
from inventory.models import Language, UserPreferences
from tests.factories import MembershipFactory, ShipmentFactory, UserFactory, shippable_vehicle

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SITE = "https://dealerhub.example.com"


@pytest.fixture(autouse=True)
def mail_and_files(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = SITE


def parsed(message):
    """The message as a mail client receives it: its bytes, parsed again."""
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def parts(received, content_type):
    return [part for part in received.walk() if part.get_content_type() == content_type]


def html_of(received):
    [html] = parts(received, "text/html")
    return html.get_content()


def text_of(received):
    [text] = parts(received, "text/plain")
    return text.get_content()


def by_recipient(outbox):
    return {tuple(message.to): message for message in outbox}


# --- the weekly report --------------------------------------------------------------------------


def test_each_chart_travels_as_an_inline_png_that_the_html_shows(
    dealer_a, manager_a, book, mailoutbox
):
    services.inventory_reports_send_weekly(ignore_time=True)
    [message] = mailoutbox
    received = parsed(message)

    html = html_of(received)
    shown = re.findall(r'<img src="cid:([^"]+)"', html)
    images = {
        part["Content-ID"].strip("<>"): part.get_content() for part in parts(received, "image/png")
    }
    assert len(shown) == 2  # the aging buckets and the trend
    assert set(shown) == set(images)
    assert all(png.startswith(PNG_SIGNATURE) for png in images.values())
    assert "<svg" not in html
    # The pictures belong to the HTML (multipart/related), beside the plain text.
    [related] = parts(received, "multipart/related")
    assert {part.get_content_type() for part in related.iter_parts()} == {"text/html", "image/png"}
    assert parts(received, "text/plain")
    [workbook] = [part for part in received.iter_attachments() if part.get_filename()]
    assert workbook.get_filename().endswith(".xlsx")
    # Each chart keeps its table of figures next to the picture.
    assert "Capital tied up per aging bucket" in html and "91-180 days" in html


def test_the_plain_text_part_has_every_figure_table_car_and_link(
    dealer_a, manager_a, book, mailoutbox
):
    services.inventory_reports_send_weekly(ignore_time=True)
    text = text_of(parsed(mailoutbox[0]))
    vehicle = reverse("inventory:vehicle_detail", args=[book["floored"].pk])

    assert "Capital tied up: ¥300,000.00" in text
    assert "Capital tied up per aging bucket" in text and "91-180 days" in text
    assert book["priced"].vin in text and "¥95,500.00" in text
    assert f"{SITE}{vehicle}" in text
    # The curtailment due names its day, amount and car.
    due_on = (dealer_a.today() + timedelta(days=5)).isoformat()
    assert re.search(rf"{due_on}\s+¥10,000\.00\s+.*{book['floored'].vin}", text)
    assert f"{SITE}/?dealer={dealer_a.pk}" in text
    assert f"{SITE}/exports/candidates/?dealer={dealer_a.pk}" in text


def test_the_html_links_back_to_the_dashboard_the_candidates_and_each_car(
    dealer_a, manager_a, book, mailoutbox
):
    services.inventory_reports_send_weekly(ignore_time=True)
    html = html_of(parsed(mailoutbox[0]))

    assert f'href="{SITE}/?dealer={dealer_a.pk}"' in html
    assert f'href="{SITE}/exports/candidates/?dealer={dealer_a.pk}"' in html
    for car in (book["floored"], book["priced"]):
        assert f'href="{SITE}{reverse("inventory:vehicle_detail", args=[car.pk])}"' in html


def test_each_manager_reads_the_report_in_their_own_language(dealer_a, manager_a, book, mailoutbox):
    zoe = UserFactory(username="zoe", email="zoe@example.com")
    MembershipFactory(dealer=dealer_a, user=zoe, role="manager")
    inventory_services.user_language_set(user=zoe, language=Language.CHINESE)

    services.inventory_reports_send_weekly(ignore_time=True)

    messages = by_recipient(mailoutbox)
    assert set(messages) == {("manager_a@example.com",), ("zoe@example.com",)}
    english = parsed(messages[("manager_a@example.com",)])
    chinese = parsed(messages[("zoe@example.com",)])
    assert english["Subject"].startswith("Inventory report for Alpha Motors")
    assert chinese["Subject"].startswith("Alpha Motors 库存报告")
    assert '<html lang="en">' in html_of(english)
    assert '<html lang="zh-hans">' in html_of(chinese)
    assert "各库龄区间占用资金" in html_of(chinese) and "各库龄区间占用资金" in text_of(chinese)
    # Each language's charts are drawn in it, and each message carries its own.
    assert parts(chinese, "image/png") and parts(english, "image/png")
    chinese_ids = {part["Content-ID"] for part in parts(chinese, "image/png")}
    assert chinese_ids.isdisjoint(part["Content-ID"] for part in parts(english, "image/png"))
    report = dealer_a.inventory_reports.get()
    assert report.recipient_list == ["manager_a@example.com", "zoe@example.com"]


def test_without_a_choice_of_their_own_managers_read_the_dealers_language(
    dealer_a, manager_a, mailoutbox
):
    dealer_a.language = Language.CHINESE
    inventory_services.dealer_save(dealer=dealer_a, changed=["language"])

    services.inventory_reports_send_weekly(ignore_time=True)

    [message] = mailoutbox
    assert message.subject.startswith("Alpha Motors 库存报告")
    # A person's own choice wins over the dealer's.
    inventory_services.user_language_set(user=manager_a, language=Language.ENGLISH)
    assert services.manager_recipients(dealer_a) == {"en": ["manager_a@example.com"]}


def test_an_address_shared_by_two_managers_gets_one_message(dealer_a, manager_a, mailoutbox):
    twin = UserFactory(username="twin", email="MANAGER_A@example.com")
    MembershipFactory(dealer=dealer_a, user=twin, role="manager")
    inventory_services.user_language_set(user=twin, language=Language.CHINESE)

    assert services.manager_recipients(dealer_a) == {"en": ["manager_a@example.com"]}


# --- the compliance digest ----------------------------------------------------------------------


@pytest.fixture
def due_deadlines(dealer_a, markets):
    """Three deadlines of two kinds on one shipment: two temporary plates, one de-registration."""
    today = dealer_a.today()
    shipment = ShipmentFactory(dealer=dealer_a, reference="KZ-2026-000123")
    lines = [
        export_services.shipment_add_vehicle(shipment=shipment, vehicle=shippable_vehicle(dealer_a))
        for _ in range(2)
    ]
    found = [
        deadlines.Deadline("temporary_plate", lines[0], today - timedelta(days=1), today),
        deadlines.Deadline("temporary_plate", lines[1], today + timedelta(days=3), today),
        deadlines.Deadline("deregistration", lines[0], today + timedelta(days=5), today),
    ]
    return today, found


def test_the_digest_has_a_heading_per_kind_of_deadline_and_keeps_references_whole(
    dealer_a, due_deadlines
):
    today, found = due_deadlines
    digest = reports.render_digest(dealer_a, today, found)

    html, text = digest["html"], digest["text"]
    plates, deregistration = (
        html.index("Temporary plate expires (2)"),
        html.index("De-registration (1)"),
    )
    assert plates < deregistration
    first_car, second_car = (deadline.vehicle for deadline in found[:2])
    assert plates < html.index(first_car.vin) < html.index(second_car.vin) < deregistration
    assert html.count('white-space:nowrap;">KZ-2026-000123</td>') == 3
    assert html.count('style="color:#666666;font-family:monospace;white-space:nowrap;">') == 3
    assert text.count("Shipment: KZ-2026-000123\n") == 3  # never broken across lines
    assert "Temporary plate expires (2)\n" in text and "De-registration (1)\n" in text
    assert f"{SITE}{reverse('inventory:vehicle_detail', args=[first_car.pk])}" in text
    assert f'href="{SITE}{reverse("inventory:vehicle_detail", args=[second_car.pk])}"' in html
    assert f"{SITE}/?dealer={dealer_a.pk}" in text and f"{SITE}/?dealer={dealer_a.pk}" in html
    assert digest["images"] == [] and "<svg" not in html and "<img" not in html


def test_the_digest_goes_to_each_manager_in_their_language_without_pictures(
    dealer_a, manager_a, due_deadlines, mailoutbox, monkeypatch
):
    today, found = due_deadlines
    monkeypatch.setattr(deadlines, "due", lambda dealer, on: found)
    zoe = UserFactory(username="zoe", email="zoe@example.com")
    MembershipFactory(dealer=dealer_a, user=zoe, role="manager")
    inventory_services.user_language_set(user=zoe, language=Language.CHINESE)

    digest = services.compliance_digest_send(dealer=dealer_a, on=today)

    messages = by_recipient(mailoutbox)
    chinese = parsed(messages[("zoe@example.com",)])
    english = parsed(messages[("manager_a@example.com",)])
    assert "临时号牌到期 (2)" in html_of(chinese) and "临时号牌到期 (2)" in text_of(chinese)
    assert "Temporary plate expires (2)" in html_of(english)
    for received in (chinese, english):
        assert parts(received, "text/plain") and not parts(received, "image/png")
    assert digest.recipients == ["manager_a@example.com", "zoe@example.com"]


# --- the language preference --------------------------------------------------------------------


def test_an_unknown_language_is_refused_by_name(staff_a):
    with pytest.raises(ValidationError) as refused:
        inventory_services.user_language_set(user=staff_a, language="fr")
    assert "language" in refused.value.message_dict
    assert not UserPreferences.objects.exists()


def test_people_choose_their_e_mail_language_on_their_account_page(staff_client, staff_a):
    page = staff_client.get(reverse("two_factor")).content.decode()
    assert 'id="email-language"' in page and 'value="zh-hans"' in page

    response = staff_client.post(reverse("email_language"), {"language": "zh-hans"}, follow=True)
    assert "Your e-mails will come in the language you chose." in response.content.decode()
    assert staff_a.preferences.language == "zh-hans"

    response = staff_client.post(reverse("email_language"), {"language": "xx"}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    staff_a.preferences.refresh_from_db()
    assert staff_a.preferences.language == "zh-hans"


def test_the_account_page_changes_only_ones_own_language(staff_client, staff_a, dealer_b):
    colleague = MembershipFactory(dealer=dealer_b, user=UserFactory(username="bravo")).user
    staff_client.post(
        reverse("email_language"), {"language": "zh-hans", "user": colleague.pk}, follow=True
    )
    assert not UserPreferences.objects.filter(user=colleague).exists()
    assert UserPreferences.objects.get(user=staff_a).language == "zh-hans"


def test_a_manager_sets_a_persons_e_mail_language_in_the_admin(client, manager_a, staff_a):
    client.force_login(manager_a)
    url = reverse("admin:auth_user_change", args=[staff_a.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update(
        {"username": staff_a.username, "email_language": "zh-hans", "date_joined_0": "2026-01-01"}
    )
    data.update({"date_joined_1": "00:00:00", "last_login_0": "", "last_login_1": ""})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert UserPreferences.objects.get(user=staff_a).language == "zh-hans"
    assert 'value="zh-hans" selected' in client.get(url).content.decode()


def test_a_link_that_names_one_of_the_persons_dealers_opens_that_dealer(
    client, dealer_a, dealer_b, manager_a
):
    MembershipFactory(dealer=dealer_b, user=manager_a, role="manager")
    client.force_login(manager_a)

    page = client.get(f"{reverse('inventory:vehicle_list')}?dealer={dealer_b.pk}")
    assert "Inventory of Bravo Auto" in page.content.decode()
    # It stays chosen, as with the dealer switcher.
    assert (
        "Inventory of Bravo Auto" in client.get(reverse("inventory:vehicle_list")).content.decode()
    )


def test_a_link_that_names_another_dealer_shows_only_ones_own(staff_client, dealer_a, dealer_b):
    page = staff_client.get(f"{reverse('inventory:vehicle_list')}?dealer={dealer_b.pk}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Inventory of Alpha Motors" in body and "Bravo Auto" not in body
