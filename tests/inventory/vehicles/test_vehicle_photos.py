"""A car's photos: several uploaded at once with thumbnails made on the server, put in order,
removed; the first one stands for the car in the inventory list; hostile files refused by
name; every file served through a scoped view."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from inventory import services
from inventory.models import VehiclePhoto
from tests.factories import MembershipFactory, VehicleFactory

pytestmark = pytest.mark.django_db

SANDBOX = "sandbox; default-src 'none'"
SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media):
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def picture(kind="JPEG", size=(1200, 900), colour=(200, 30, 30), **save):
    buffer = io.BytesIO()
    mode = "RGBA" if kind == "PNG" else "RGB"
    Image.new(mode, size, colour).save(buffer, kind, **save)
    return buffer.getvalue()


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def add(client, vehicle, *files):
    return client.post(
        reverse("inventory:vehicle_photo_add", args=[vehicle.pk]),
        {"images": list(files)},
        follow=True,
    )


def photo_url(name, photo):
    return reverse(f"inventory:{name}", args=[photo.vehicle_id, photo.pk])


def ordered(vehicle):
    return list(vehicle.photos.order_by("position", "id"))


@pytest.fixture
def car(dealer_a):
    return VehicleFactory(dealer=dealer_a)


def test_several_photos_are_added_at_once_in_order_with_small_thumbnails(staff_client, car, media):
    response = add(
        staff_client,
        car,
        upload("front.jpg", picture(colour=(255, 0, 0))),
        upload("side.png", picture("PNG", colour=(0, 255, 0, 255)), "image/png"),
        upload("rear.webp", picture("WEBP", colour=(0, 0, 255)), "image/webp"),
    )
    assert "3 photos added." in response.content.decode()
    photos = ordered(car)
    assert [p.position for p in photos] == [0, 1, 2]
    assert [p.image.name.rsplit(".", 1)[1] for p in photos] == ["jpg", "png", "webp"]
    for photo in photos:
        with Image.open(photo.thumbnail.path) as small:
            assert small.format == "JPEG"
            assert small.width <= 320 and small.height <= 240
        assert photo.uploaded_by.username == "staff_a"
    # The client's names are never kept.
    assert not any("front" in name or "side" in name for name in stored_files(media))

    page = response.content.decode()
    assert f'src="{photo_url("vehicle_photo_thumbnail", photos[0])}"' in page
    assert 'id="lead-photo"' in page


def test_a_thumbnail_is_upright_and_a_transparent_picture_turns_white(car):
    # EXIF orientation 6: the camera was turned; the picture is stored on its side.
    exif = Image.Exif()
    exif[0x0112] = 6
    sideways = picture(size=(400, 200), exif=exif)
    clear = picture("PNG", size=(50, 50), colour=(0, 0, 0, 0))
    photos = services.vehicle_photos_add(
        vehicle=car, images=[upload("a.jpg", sideways), upload("b.png", clear, "image/png")]
    )
    with Image.open(photos[0].thumbnail.path) as small:
        assert small.height > small.width
    with Image.open(photos[1].thumbnail.path) as small:
        assert small.getpixel((10, 10)) == (255, 255, 255)


def polyglot_png():
    """A real PNG that carries a page of script in a text chunk."""
    info = PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    return picture("PNG", size=(8, 8), pnginfo=info)


def bomb_png(side=12000):
    """144 megapixels of one bit each: a few kilobytes on disk, gigabytes once decoded."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9"/></svg>'


@pytest.mark.parametrize(
    "name, content, refusal",
    [
        ("car.jpg", SCRIPT, "car.jpg is not a JPEG, PNG or WebP photo."),
        ("car.svg", SVG, "car.svg is not a JPEG, PNG or WebP photo."),
        ("car.png", bomb_png(), "car.png is 12000 by 12000 pixels"),
        ("car.png", polyglot_png(), "car.png carries a web page or script inside the picture"),
        ("car.jpg", picture() + SCRIPT, "car.jpg carries a web page or script"),
        ("car.gif", b"GIF89a" + b"\x00" * 40, "car.gif is not a JPEG, PNG or WebP photo."),
    ],
    ids=["script as jpg", "svg", "bomb", "png polyglot", "jpeg polyglot", "gif"],
)
def test_a_hostile_file_is_refused_by_name_and_nothing_is_stored(
    staff_client, car, media, name, content, refusal
):
    good = upload("good.jpg", picture())
    html = add(staff_client, car, good, upload(name, content)).content.decode()
    assert refusal in html
    assert "Photos:" in html  # the refusal is headed by the field it belongs to
    assert not car.photos.exists()
    assert stored_files(media) == []


def test_a_picture_that_does_not_decode_is_refused_as_damaged(car, media, monkeypatch):
    # WeasyPrint, once loaded, tells Pillow to grey out what is missing instead.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    cut = upload("car.jpg", picture()[:2000])
    with pytest.raises(ValidationError, match=r"car\.jpg is damaged: its picture does not"):
        services.vehicle_photos_add(vehicle=car, images=[upload("ok.jpg", picture()), cut])
    assert not car.photos.exists()
    assert stored_files(media) == []


def test_a_file_too_large_is_refused_by_name(settings, car):
    settings.INSPECTION_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match=r"big\.jpg is .* MB; a file may be at most"):
        services.vehicle_photos_add(vehicle=car, images=[upload("big.jpg", picture())])


def test_a_car_holds_at_most_its_limit_of_photos(settings, car):
    settings.VEHICLE_PHOTOS_MAX = 2
    services.vehicle_photos_add(vehicle=car, images=[upload("a.jpg", picture())])
    with pytest.raises(ValidationError, match="at most 2 photos; it has 1, so add at most 1"):
        services.vehicle_photos_add(
            vehicle=car, images=[upload("b.jpg", picture()), upload("c.jpg", picture())]
        )
    assert car.photos.count() == 1


def test_choosing_no_file_is_named(staff_client, car):
    html = staff_client.post(
        reverse("inventory:vehicle_photo_add", args=[car.pk]), {}, follow=True
    ).content.decode()
    assert "Choose at least one photo." in html


def move(client, photo, to):
    return client.post(photo_url("vehicle_photo_move", photo), {"to": to}, follow=True)


def test_photos_move_up_down_and_to_the_front(staff_client, car):
    a, b, c = services.vehicle_photos_add(
        vehicle=car, images=[upload(f"{n}.jpg", picture()) for n in "abc"]
    )
    move(staff_client, c, "up")
    assert ordered(car) == [a, c, b]
    move(staff_client, a, "down")
    assert ordered(car) == [c, a, b]
    move(staff_client, b, "first")
    assert ordered(car) == [b, c, a]
    move(staff_client, a, "down")  # already last: stays
    move(staff_client, b, "up")  # already first: stays
    assert ordered(car) == [b, c, a]
    assert [p.position for p in ordered(car)] == [0, 1, 2]
    assert move(staff_client, b, "sideways").status_code == 200
    assert ordered(car) == [b, c, a]


def test_removing_a_photo_deletes_its_files_and_closes_the_gap(
    staff_client, car, media, django_capture_on_commit_callbacks
):
    a, b, c = services.vehicle_photos_add(
        vehicle=car, images=[upload(f"{n}.jpg", picture()) for n in "abc"]
    )
    assert len(stored_files(media)) == 6
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(photo_url("vehicle_photo_remove", a), follow=True)
    assert "Photo removed." in response.content.decode()
    assert ordered(car) == [b, c]
    assert [p.position for p in ordered(car)] == [0, 1]
    assert a.image.name not in stored_files(media)
    assert a.thumbnail.name not in stored_files(media)
    assert len(stored_files(media)) == 4


def test_deleting_a_car_received_by_mistake_takes_its_photo_files(
    car, media, django_capture_on_commit_callbacks
):
    services.vehicle_photos_add(vehicle=car, images=[upload("a.jpg", picture())])
    with django_capture_on_commit_callbacks(execute=True):
        services.vehicle_delete(vehicle=car)
    assert stored_files(media) == []


def test_photos_are_served_as_pictures_that_never_run(staff_client, car):
    (photo,) = services.vehicle_photos_add(vehicle=car, images=[upload("x.html", picture())])
    for name, content_type in (
        ("vehicle_photo", "image/jpeg"),
        ("vehicle_photo_thumbnail", "image/jpeg"),
    ):
        response = staff_client.get(photo_url(name, photo))
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == SANDBOX
        assert "attachment" not in response.get("Content-Disposition", "")
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_every_photo_address_of_another_dealers_car_is_not_found(staff_client, dealer_b, car):
    theirs = VehicleFactory(dealer=dealer_b)
    (photo,) = services.vehicle_photos_add(vehicle=theirs, images=[upload("a.jpg", picture())])
    for name in ("vehicle_photo", "vehicle_photo_thumbnail"):
        assert staff_client.get(photo_url(name, photo)).status_code == 404
    moved = staff_client.post(photo_url("vehicle_photo_move", photo), {"to": "up"})
    assert moved.status_code == 404
    assert staff_client.post(photo_url("vehicle_photo_remove", photo)).status_code == 404
    added = staff_client.post(
        reverse("inventory:vehicle_photo_add", args=[theirs.pk]),
        {"images": [upload("b.jpg", picture())]},
    )
    assert added.status_code == 404
    assert theirs.photos.count() == 1
    # Their photo under our own car's address is no more found.
    mixed = reverse("inventory:vehicle_photo", args=[car.pk, photo.pk])
    assert staff_client.get(mixed).status_code == 404


def test_signed_out_visitors_get_no_photo(car):
    (photo,) = services.vehicle_photos_add(vehicle=car, images=[upload("a.jpg", picture())])
    response = Client().get(photo_url("vehicle_photo", photo))
    assert response.status_code == 302 and "/login/" in response["Location"]


def thumbnails_in(html):
    return re.findall(r"/inventory/vehicles/(\d+)/photos/(\d+)/thumbnail/", html)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_shows_each_cars_first_photo_in_one_query(
    staff_client, dealer_a, count, django_assert_max_num_queries
):
    cars = [VehicleFactory(dealer=dealer_a) for _ in range(count)]
    firsts = {}
    for car in cars[: count - 1]:  # the last car has no photo
        _second, first = services.vehicle_photos_add(
            vehicle=car, images=[upload("a.jpg", picture(size=(40, 30))) for _ in range(2)]
        )
        services.vehicle_photo_move(photo=first, to="first")
        firsts[str(car.pk)] = str(first.pk)
    # the queries of a list without photos (9), and one for all the first photos of the page
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("inventory:vehicle_list"))
    shown = dict(thumbnails_in(response.content.decode()))
    assert shown == firsts


def test_first_of_finds_the_first_photo_of_each_car(dealer_a):
    one, two = VehicleFactory(dealer=dealer_a), VehicleFactory(dealer=dealer_a)
    _a, b = services.vehicle_photos_add(
        vehicle=one, images=[upload("a.jpg", picture(size=(20, 20))) for _ in range(2)]
    )
    services.vehicle_photo_move(photo=b, to="first")
    (c,) = services.vehicle_photos_add(vehicle=two, images=[upload("c.jpg", picture())])
    assert VehiclePhoto.objects.first_of([one.pk, two.pk]) == {one.pk: b, two.pk: c}


def test_a_member_of_both_dealers_sees_the_photos_of_the_current_one_only(dealer_a, dealer_b):
    user = MembershipFactory(dealer=dealer_a).user
    MembershipFactory(dealer=dealer_b, user=user)
    ours, theirs = VehicleFactory(dealer=dealer_a), VehicleFactory(dealer=dealer_b)
    for vehicle in (ours, theirs):
        services.vehicle_photos_add(vehicle=vehicle, images=[upload("a.jpg", picture())])
    client = Client()
    client.force_login(user)
    html = client.get(reverse("inventory:vehicle_list")).content.decode()
    assert {car for car, _photo in thumbnails_in(html)} == {str(ours.pk)}
