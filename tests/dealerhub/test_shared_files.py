"""Files shared across machines: with STORAGE_BACKEND=s3, a report a Celery worker builds in its
own process lands in a private bucket, and a web process downloads it through the dealer
check; photos and thumbnails go the same way. The bucket is a real S3-compatible server (moto)
on 127.0.0.1; in CI the tests fail, never skip, when it cannot start."""

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from dealerhub import services
from dealerhub.file_storage import default_storage_from_env
from dealerhub.models import ReportKind, ReportStatus
from tests.factories import MembershipFactory, UserFactory, VehicleFactory, next_vin

BUCKET = "dealerhub-files"
REGION = "us-east-1"
KEY_ID = "dealerhub-test-key"
SECRET = "dealerhub-test-secret"
ROOT = Path(__file__).resolve().parents[2]
IN_CI = bool(os.environ.get("CI"))


def _unavailable(reason):
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process, timeout=15):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """moto's S3-compatible server in a process of its own, with an empty private bucket."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as exc:
        _unavailable(f"the S3 test server is not installed ({exc}); install the dev extra")
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
                break
            except (urllib.error.URLError, OSError):
                if server.poll() is not None or time.monotonic() > deadline:
                    _unavailable(f"the S3 test server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
        _s3_client(endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        _stop(server)


def _s3_client(endpoint):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )


def _storage_env(endpoint, prefix):
    """The environment a machine of the site is given to keep files in the bucket."""
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": KEY_ID,
        "S3_SECRET_ACCESS_KEY": SECRET,
        "S3_PREFIX": prefix,
        "S3_ADDRESSING_STYLE": "path",
    }


def _storage_from(values, monkeypatch):
    for name in ("STORAGE_BACKEND", "S3_BUCKET", "S3_PREFIX", "S3_URL_EXPIRY", "S3_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return default_storage_from_env(environ.Env())


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, tmp_path, request):
    """This process (the web side) keeps its files in the bucket, under a prefix of the test's
    own; the local media folder is a fresh one that must stay empty."""
    prefix = f"t{os.getpid()}-{request.node.name[:40]}"
    values = _storage_env(s3_endpoint, prefix)
    settings.STORAGES = {**settings.STORAGES, "default": _storage_from(values, monkeypatch)}
    settings.MEDIA_ROOT = tmp_path / "web-media"
    client = _s3_client(s3_endpoint)

    class Bucket:
        endpoint = s3_endpoint
        env = values
        media = settings.MEDIA_ROOT

        @staticmethod
        def names():
            listed = client.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
            return sorted(item["Key"][len(prefix) + 1 :] for item in listed.get("Contents", []))

        @staticmethod
        def read(name):
            return client.get_object(Bucket=BUCKET, Key=f"{prefix}/{name}")["Body"].read()

        @staticmethod
        def unsigned_get(name):
            url = f"{s3_endpoint}/{BUCKET}/{prefix}/{name}"
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    return response.status
            except urllib.error.HTTPError as exc:
                return exc.code

    return Bucket


def _local_files(folder):
    return [p for p in Path(folder).rglob("*") if p.is_file()] if Path(folder).exists() else []


# The environment decides where files go.


def test_files_stay_on_the_local_disk_unless_told_otherwise(monkeypatch):
    assert _storage_from({}, monkeypatch) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_the_bucket_is_private_and_its_urls_short_lived(monkeypatch):
    storage = _storage_from(_storage_env("http://127.0.0.1:9", "site"), monkeypatch)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 60
    assert options["file_overwrite"] is False
    assert options["bucket_name"] == BUCKET and options["location"] == "site"


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND"),
        ({"STORAGE_BACKEND": "s3"}, "S3_BUCKET"),
        ({"STORAGE_BACKEND": "s3", "S3_BUCKET": "b", "S3_URL_EXPIRY": "86400"}, "S3_URL_EXPIRY"),
    ],
)
def test_a_storage_misconfiguration_names_the_variable(monkeypatch, values, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        _storage_from(values, monkeypatch)


@pytest.mark.django_db
def test_no_url_serves_the_media_folder(settings, tmp_path, staff_client):
    """Files are reached only through the scoped views, whichever backend keeps them."""
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("reports/2026/01/workbook.xlsx", io.BytesIO(b"PK private"))
    assert (tmp_path / name).is_file()
    for path in (f"/{settings.MEDIA_URL}{name}", f"/{name}"):
        assert staff_client.get(path).status_code == 404


# A worker on one machine, the web on another.


def _test_database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@pytest.fixture
def worker(bucket, settings, tmp_path, on_postgres, on_redis):
    """A real Celery worker in a process of its own: the test database, the Redis broker and the
    bucket, and a media folder of its own that nothing may be written to."""
    from dealerhub.celery import app

    app.control.purge()  # tasks other tests queued with no worker to run them
    media = tmp_path / "worker-media"
    env = {
        **os.environ,
        **bucket.env,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": "worker-test-only",
        "MEDIA_ROOT": str(media),
        "EMAIL_URL": "consolemail://",
        "DJANGO_SETTINGS_MODULE": "dealerhub.settings",
    }
    env.pop("DEBUG", None)
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "dealerhub", "worker"),
                *("--pool=solo", "--concurrency=1", "--loglevel=INFO"),
                *("--without-mingle", "--without-gossip", "--without-heartbeat"),
                f"--hostname=files-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    process.media = media
    process.log = log
    try:
        yield process
    finally:
        _stop(process)


def _wait_until_finished(report, worker, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_finished:
            return report
        if worker.poll() is not None:
            break
        time.sleep(0.3)
    pytest.fail(f"the worker did not build the report: {worker.log.read_text()[-3000:]}")


@pytest.mark.django_db(transaction=True)
def test_a_report_built_by_a_worker_downloads_from_the_web_and_nowhere_else(
    bucket, worker, client, dealer_a, manager_a, manager_b
):
    VehicleFactory.create_batch(3, dealer=dealer_a)
    report = services.inventory_report_request(
        dealer=dealer_a, by=manager_a, kind=ReportKind.ON_DEMAND
    )

    report = _wait_until_finished(report, worker)
    assert report.status == ReportStatus.READY, report.error
    assert "build_inventory_report" in worker.log.read_text()  # built over there, not here
    assert report.file.name in bucket.names()
    stored = bucket.read(report.file.name)
    assert stored.startswith(b"PK")  # an XLSX workbook
    assert not _local_files(worker.media) and not _local_files(bucket.media)

    download = reverse("report_download", args=[report.pk])
    client.force_login(manager_a)
    served = client.get(download)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == stored
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"

    # Staff of another dealer, and nobody signed in, get nothing.
    client.force_login(manager_b)
    assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code in (302, 404)

    # The bucket does not hand the object to anyone who asks without a signature.
    assert bucket.unsigned_get(report.file.name) == 403


@pytest.mark.django_db
def test_an_object_reads_only_through_a_signature_that_soon_expires(bucket):
    name = default_storage.save("probe/private.txt", io.BytesIO(b"for staff only"))
    assert bucket.unsigned_get(name) == 403
    signed = default_storage.url(name)
    assert parse_qs(urlsplit(signed).query)["X-Amz-Expires"] == ["60"]
    with urllib.request.urlopen(signed, timeout=5) as response:
        assert response.read() == b"for staff only"


def _picture(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("front.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_photo_and_its_thumbnail_are_kept_in_the_bucket_and_served_scoped(
    bucket, client, dealer_a, dealer_b
):
    car = VehicleFactory(dealer=dealer_a)
    client.force_login(MembershipFactory(dealer=dealer_a, user=UserFactory()).user)
    added = client.post(
        reverse("inventory:vehicle_photo_add", args=[car.pk]),
        {"images": [_picture((200, 30, 30))]},
        follow=True,
    )
    assert added.status_code == 200
    [photo] = car.photos.all()
    assert {photo.image.name, photo.thumbnail.name} <= set(bucket.names())
    assert not _local_files(bucket.media)

    urls = [
        reverse(f"inventory:{name}", args=[car.pk, photo.pk])
        for name in ("vehicle_photo", "vehicle_photo_thumbnail")
    ]
    for url, field in zip(urls, (photo.image, photo.thumbnail), strict=True):
        served = client.get(url)
        assert served.status_code == 200
        assert served["Content-Type"] == "image/jpeg"
        assert b"".join(served.streaming_content) == bucket.read(field.name)
        assert bucket.unsigned_get(field.name) == 403
    with Image.open(io.BytesIO(bucket.read(photo.thumbnail.name))) as small:
        assert small.width <= 320 and small.height <= 240

    client.force_login(MembershipFactory(dealer=dealer_b, user=UserFactory()).user)
    for url in urls:
        assert client.get(url).status_code == 404


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """`run_tasks(call, ...)`: make the call, then run the tasks it queued, in this process.
    Celery reads its settings once, so eagerness is set on the app."""
    from dealerhub.celery import app

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield run
    app.conf.task_always_eager = was


def _stock_file(rows):
    header = "VIN,Make,Model,Model year,Powertrain,Odometer (km),Acquisition cost,List price\n"
    return SimpleUploadedFile("stock.csv", (header + rows).encode(), content_type="text/csv")


@pytest.mark.django_db
def test_a_stock_import_reads_its_file_and_plan_from_the_bucket(
    bucket, staff_client, dealer_a, manager_b, run_tasks
):
    from inventory.models import ImportStatus, StockImport

    rows = "".join(f"{next_vin()},BYD,Seal,2025,BEV,{n},150000,180000\n" for n in range(3))
    run_tasks(staff_client.post, reverse("inventory:vehicle_intake"), {"file": _stock_file(rows)})
    stock_import = StockImport.objects.get()
    assert stock_import.status == ImportStatus.CHECKED, stock_import.message
    assert {stock_import.file.name, stock_import.plan.name} <= set(bucket.names())

    commit = reverse("inventory:vehicle_intake_commit", args=[stock_import.pk])
    run_tasks(staff_client.post, commit)
    stock_import.refresh_from_db()
    assert stock_import.status == ImportStatus.IMPORTED, stock_import.message
    assert dealer_a.vehicles.count() == 3
    assert not _local_files(bucket.media)

    original = reverse("inventory:vehicle_intake_file", args=[stock_import.pk])
    served = staff_client.get(original)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == bucket.read(stock_import.file.name)
    staff_client.force_login(manager_b)
    assert staff_client.get(original).status_code == 404


@pytest.mark.django_db
def test_an_error_sheet_is_written_to_the_bucket_and_served_scoped(
    bucket, staff_client, manager_b, run_tasks
):
    from openpyxl import load_workbook

    from inventory.models import ImportStatus, StockImport

    bad = "LRW3E7,BYD,Seal,2025,DIESEL,5,abc,1\n"
    run_tasks(staff_client.post, reverse("inventory:vehicle_intake"), {"file": _stock_file(bad)})
    stock_import = StockImport.objects.get()
    assert stock_import.status == ImportStatus.REFUSED
    assert stock_import.error_sheet.name in bucket.names()
    assert bucket.unsigned_get(stock_import.error_sheet.name) == 403

    sheet_url = reverse("inventory:vehicle_intake_errors", args=[stock_import.pk])
    sheet = staff_client.get(sheet_url)
    assert sheet.status_code == 200 and sheet["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)))
    cells = list(book.active.iter_rows(values_only=True))[1:]
    assert {row[1] for row in cells} >= {"Powertrain", "Acquisition cost"}
    staff_client.force_login(manager_b)
    assert staff_client.get(sheet_url).status_code == 404
