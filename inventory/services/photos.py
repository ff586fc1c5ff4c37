"""A car's photos: upload several at once with their thumbnails, put them in order, remove
one."""

from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .. import uploads
from ..files import delete_files_on_commit
from ..models import Vehicle, VehiclePhoto

# Thumbnails fit this box (pixels), about twice what a list row shows, for sharp screens.
THUMBNAIL_SIZE = (320, 240)
MOVES = ("up", "down", "first")


def _lock(vehicle) -> Vehicle:
    """The car, locked: its photos' order is changed by one writer at a time."""
    return Vehicle.objects.select_for_update().get(pk=vehicle.pk)


@transaction.atomic
def vehicle_photos_add(
    *, vehicle: Vehicle, images: Sequence[UploadedFile], by: User | None = None
) -> list[VehiclePhoto]:
    """Add photos after the car's others, each with a thumbnail made from its pixels.

    Every file is checked first (a JPEG, PNG or WebP by its content, within the size and
    pixel limits, carrying no page or script, decoding whole); one refused file refuses them
    all, each refusal naming its file, and nothing is stored."""
    locked = _lock(vehicle)
    limit = settings.VEHICLE_PHOTOS_MAX
    existing = locked.photos.count()
    if existing + len(images) > limit:
        raise ValidationError(
            {
                "images": _(
                    "A car may have at most %(limit)s photos; it has %(count)s, so add at "
                    "most %(left)s more."
                )
                % {"limit": limit, "count": existing, "left": max(0, limit - existing)}
            },
            code="too_many_photos",
        )
    problems, thumbnails = [], []
    described = _("a JPEG, PNG or WebP photo")
    for image in images:
        problem = uploads.picture_problem(image, described=described)
        if problem is None:
            try:
                thumbnails.append(uploads.thumbnail(image, size=THUMBNAIL_SIZE))
            except uploads.Refused:
                problem = uploads.damaged_message(image.name)
        if problem:
            problems.append(problem)
    if problems:
        raise ValidationError({"images": problems}, code="refused_photo")
    start = locked.photos.aggregate(last=Max("position"))["last"]
    start = 0 if start is None else start + 1
    photos = []
    try:
        for offset, (image, small) in enumerate(zip(images, thumbnails, strict=True)):
            photo = VehiclePhoto(
                vehicle=locked,
                image=image,
                thumbnail=small,
                position=start + offset,
                size_bytes=image.size,
                uploaded_by=by,
            )
            photo.full_clean(exclude=["image", "thumbnail"])
            photo.save()
            photos.append(photo)
    except Exception:
        # The rows roll back with the transaction; the files written so far go too.
        for photo in photos:
            photo.image.storage.delete(photo.image.name)
            photo.thumbnail.storage.delete(photo.thumbnail.name)
        raise
    return photos


@transaction.atomic
def vehicle_photo_move(*, photo: VehiclePhoto, to: str, by: User | None = None) -> None:
    """Move a photo one place up or down, or to the front, where it stands for the car."""
    if to not in MOVES:
        raise ValidationError(_("Choose up, down or first."), code="invalid_move")
    locked = _lock(photo.vehicle)
    ordered = list(locked.photos.order_by("position", "id"))
    index = next((i for i, each in enumerate(ordered) if each.pk == photo.pk), None)
    if index is None:  # removed meanwhile
        return
    moving = ordered.pop(index)
    target = {"up": max(0, index - 1), "down": index + 1, "first": 0}[to]
    ordered.insert(min(target, len(ordered)), moving)
    _renumber(ordered)


@transaction.atomic
def vehicle_photo_remove(*, photo: VehiclePhoto, by: User | None = None) -> None:
    """Remove a photo and its thumbnail; the files go once the removal commits."""
    locked = _lock(photo.vehicle)
    stored = locked.photos.filter(pk=photo.pk).first()
    if stored is None:
        return
    stored.delete()
    delete_files_on_commit([stored.image, stored.thumbnail])
    _renumber(list(locked.photos.order_by("position", "id")))


def _renumber(ordered) -> None:
    """Positions 0, 1, 2... in the given order, writing only the photos whose place changed."""
    changed = []
    for position, photo in enumerate(ordered):
        if photo.position != position:
            photo.position = position
            changed.append(photo)
    VehiclePhoto.objects.bulk_update(changed, ["position"])
