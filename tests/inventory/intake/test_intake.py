"""Bulk intake of a stock file: a checked preview by row and column, then every row or none."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from inventory.models import ImportStatus, StockImport, Vehicle, VehicleFloorPlan
from tests.factories import VehicleFactory, next_vin

pytestmark = pytest.mark.django_db

INTAKE = reverse("inventory:vehicle_intake")
HEADERS = "VIN,Make,Model,Model year,Powertrain,Odometer (km),Acquisition cost,List price\n"
GOOD = HEADERS + (
    "LRW3E7FA8NC000001,Tesla,Model 3,2022,BEV,12000,150000,180000\n"
    "LRW3E7FAXNC000002,BYD,Seal,2024,BEV,500,140000,170000\n"
)


def _csv(text, encoding="utf-8", name="stock.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def upload(staff_client, run_tasks):
    """Post a file and open the page the upload leads to, once its check has run."""

    def send(file, client=staff_client):
        response = run_tasks(client.post, INTAKE, {"file": file})
        if response.status_code != 302:
            return response
        return client.get(response["Location"])

    return send


@pytest.fixture
def commit(staff_client, run_tasks):
    """Press Import on the latest import's page and open the page it leads to, imported."""

    def send(data=None, client=staff_client):
        stock_import = StockImport.objects.latest("pk")
        url = reverse("inventory:vehicle_intake_commit", args=[stock_import.pk])
        response = run_tasks(client.post, url, data)
        return client.get(response["Location"])

    return send


def test_a_good_english_file_previews_writes_nothing_and_commits(
    staff_client, dealer_a, upload, commit
):
    response = upload(_csv(GOOD))
    assert response.status_code == 200
    assert "2 new, 0 to change" in response.content.decode()
    assert not Vehicle.objects.exists()
    commit()
    assert set(dealer_a.vehicles.values_list("vin", flat=True)) == {
        "LRW3E7FA8NC000001",
        "LRW3E7FAXNC000002",
    }


def test_reuploading_the_same_file_changes_nothing(staff_client, dealer_a, upload, commit):
    upload(_csv(GOOD))
    commit()
    response = upload(_csv(GOOD))
    assert "0 new, 0 to change, 2 unchanged" in response.content.decode()
    response = commit()
    assert "0 new, 0 changed" in response.content.decode()
    assert dealer_a.vehicles.count() == 2


def test_chinese_headers_in_gb18030(staff_client, dealer_a, upload, commit):
    text = (
        "车架号,品牌,车型,年款,动力,里程,采购成本,售价\n"
        "LRW3E7FA8NC000001,特斯拉,Model 3,2022,BEV,12000,150000,180000\n"
    )
    response = upload(_csv(text, encoding="gb18030"))
    assert "1 new" in response.content.decode()
    commit()
    assert dealer_a.vehicles.get().make == "特斯拉"


def test_unknown_and_missing_headers_are_named(staff_client, upload):
    response = upload(_csv("VIN,Make,Colour wheel\nX,Y,Z\n"))
    text = response.content.decode()
    assert StockImport.objects.get().status == ImportStatus.REFUSED
    assert "Colour wheel" in text and "is missing" in text and "List price" in text
    assert "Check the corrected file" in text


def test_errors_by_row_and_column_and_nothing_to_import(staff_client, upload, commit):
    text = HEADERS + (
        "LRW3E7FA8NC000001,Tesla,Model 3,2022,BEV,12000,150000,180000\n"
        "LRW3E7,BYD,Seal,2024,DIESEL,500,abc,170000\n"
    )
    response = upload(_csv(text))
    page = response.content.decode()
    assert "<td>3</td><td>Powertrain</td>" in page
    assert "<td>3</td><td>Acquisition cost</td>" in page
    assert "<td>3</td><td>VIN</td>" in page  # too short
    commit()
    assert not Vehicle.objects.exists()


def test_duplicates_in_the_file_and_at_another_dealer(staff_client, dealer_b, upload):
    VehicleFactory(dealer=dealer_b, vin="LRW3E7FAXNC000002")
    text = GOOD + "LRW3E7FA8NC000001,Tesla,Model 3,2022,BEV,12000,150000,180000\n"
    page = upload(_csv(text)).content.decode()
    assert "The VIN is also on row 2." in page
    assert "already registered" in page
    assert dealer_b.name not in page


def test_a_car_in_stock_is_updated_with_what_changes(staff_client, dealer_a, upload, commit):
    car = VehicleFactory(dealer=dealer_a, vin="LRW3E7FA8NC000001", odometer_km=100)
    text = HEADERS + "LRW3E7FA8NC000001,Tesla,Model 3,2022,BEV,12000,150000,175000\n"
    page = upload(_csv(text)).content.decode()
    assert "0 new, 1 to change" in page
    assert "100 → 12000" in page
    page = commit().content.decode()
    assert "0 new, 1 changed" in page
    car.refresh_from_db()
    assert (car.odometer_km, car.list_price, car.make) == (12000, Decimal("175000"), "BYD")


def test_all_or_nothing_when_a_service_refuses_a_row(
    staff_client, dealer_a, dealer_b, upload, commit
):
    upload(_csv(GOOD))
    # Between preview and commit another dealer registers the second VIN.
    VehicleFactory(dealer=dealer_b, vin="LRW3E7FAXNC000002")
    page = commit().content.decode()
    assert "Row 3" in page and "Nothing was imported" in page
    assert not dealer_a.vehicles.exists()


def test_floored_on_a_line(staff_client, dealer_a, line, upload, commit):
    text = "VIN,Make,Model,Model year,Powertrain,Acquisition cost,List price,Floor-plan line\n"
    text += f"LRW3E7FA8NC000001,Tesla,Model 3,2022,BEV,150000,180000,{line.name}\n"
    page = upload(_csv(text)).content.decode()
    assert "1 new" in page, page
    page = commit().content.decode()
    assert "1 new" in page, page
    assert VehicleFloorPlan.objects.get().line == line


def _workbook_bytes(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_formula_without_a_value_names_its_cell(staff_client, upload):
    data = _workbook_bytes(
        [
            HEADERS.strip().split(","),
            ["LRW3E7FA8NC000001", "Tesla", "M3", 2022, "BEV", 1, 2, "=G2*2"],
        ]
    )
    page = upload(SimpleUploadedFile("s.xlsx", data, XLSX)).content.decode()
    assert "Cell H2 holds a formula" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
        (b"PK\x03\x04garbage", "damaged workbook"),
        (b"%PDF-1.7\n\x00\x01binary", "not an .xlsx workbook or a .csv"),
    ],
)
def test_bad_files_are_refused(staff_client, content, message, upload):
    page = upload(SimpleUploadedFile("stock.xlsx", content)).content.decode()
    assert message in page


def test_a_zip_without_content_types_and_a_zip_bomb(staff_client, monkeypatch, upload):
    monkeypatch.setattr("inventory.intake_files.MAX_UNPACKED_BYTES", 1_000_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", "x")
    page = upload(SimpleUploadedFile("s.xlsx", buffer.getvalue())).content.decode()
    assert "not an .xlsx workbook" in page
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "x")
        archive.writestr("xl/big.xml", b"\0" * 1_000_001)
    page = upload(SimpleUploadedFile("s.xlsx", buffer.getvalue())).content.decode()
    assert "unpacks to more than" in page


def test_too_large_is_refused_by_size_before_it_is_kept(staff_client, settings, upload):
    settings.INTAKE_MAX_BYTES = 10
    response = upload(_csv(GOOD))
    assert response.status_code == 422
    assert "a stock file may be at most" in response.content.decode()
    assert not StockImport.objects.exists()


def test_too_many_rows(staff_client, monkeypatch, upload):
    monkeypatch.setattr("inventory.intake_files.MAX_ROWS", 1)
    page = upload(_csv(GOOD)).content.decode()
    assert "more than 1 vehicles" in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_template_downloads_and_imports_cleanly(
    staff_client, dealer_a, language, upload, commit
):
    response = staff_client.get(
        reverse("inventory:vehicle_intake_template"), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    book_bytes = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(book_bytes))
    assert book.active.data_validations.dataValidation
    page = upload(SimpleUploadedFile("template.xlsx", book_bytes, XLSX)).content.decode()
    assert "1 new" in page, page
    commit()
    assert dealer_a.vehicles.get().vin == "LRW3E7FA8NC000001"


def test_the_list_links_to_the_import(staff_client):
    assert INTAKE in staff_client.get(reverse("inventory:vehicle_list")).content.decode()


def test_problems_are_shown_in_the_users_language(staff_client, upload):
    staff_client.cookies["django_language"] = "zh-hans"
    text = "车架号,品牌,车型,年款,动力,采购成本,售价\nLRW3E7,特斯拉,Model 3,2022,BEV,abc,180000\n"
    page = upload(_csv(text, encoding="gb18030")).content.decode()
    assert "有问题 1 行" in page
    assert "<td>2</td><td>采购成本</td>" in page, page


def test_a_second_post_of_the_same_form_imports_nothing_more(
    staff_client, dealer_a, upload, commit
):
    from inventory.idempotency import FIELD_NAME, issue_token

    upload(_csv(GOOD))
    token = issue_token(dealer_a.memberships.get().user)
    commit({FIELD_NAME: token})
    page = commit({FIELD_NAME: token}).content.decode()
    assert "already submitted" in page
    assert dealer_a.vehicles.count() == 2


def test_importing_twice_imports_once(staff_client, dealer_a, upload, commit):
    upload(_csv(GOOD))
    commit()
    page = commit().content.decode()
    assert "only a file that is ready to import can be imported" in page
    assert dealer_a.vehicles.count() == 2


def test_a_status_in_the_file_moves_a_car_in_stock(staff_client, dealer_a, upload, commit):
    car = VehicleFactory(dealer=dealer_a, vin="LRW3E7FA8NC000001")
    text = "VIN,Make,Model,Model year,Powertrain,Acquisition cost,List price,Status\n"
    text += f"{car.vin},BYD,Seal,2025,BEV,150000,{car.list_price},Sold domestic\n"
    page = upload(_csv(text)).content.decode()
    assert "In stock → Sold domestic" in page
    commit()
    car.refresh_from_db()
    assert car.status == "sold_domestic"


def test_a_file_cannot_reserve_a_car_without_its_customer(staff_client, dealer_a, upload):
    car = VehicleFactory(dealer=dealer_a, vin="LRW3E7FA8NC000001")
    text = "VIN,Make,Model,Model year,Powertrain,Acquisition cost,List price,Status\n"
    text += f"{car.vin},BYD,Seal,2025,BEV,150000,{car.list_price},Reserved\n"
    text += f"{next_vin()},BYD,Seal,2025,BEV,150000,179800,Reserved\n"
    page = upload(_csv(text)).content.decode()
    assert page.count("reserve the car from its page") == 2
    assert "Import</button>" not in page
    car.refresh_from_db()
    assert car.status == "in_stock"
    assert dealer_a.vehicles.count() == 1


def test_a_lower_odometer_is_shown_and_applied(staff_client, dealer_a, upload, commit):
    car = VehicleFactory(dealer=dealer_a, vin="LRW3E7FA8NC000001", odometer_km=5000)
    text = HEADERS + f"{car.vin},BYD,Seal,2025,BEV,4000,150000,{car.list_price}\n"
    page = upload(_csv(text)).content.decode()
    assert "5000 → 4000" in page
    commit()
    car.refresh_from_db()
    assert car.odometer_km == 4000
