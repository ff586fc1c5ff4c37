"""Files users hand us and get back: what a file really is, the name it is kept under, and
the response that serves it so a browser can never run it as a page of this site."""

import io
import posixpath
import re
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps


@dataclass(frozen=True)
class Kind:
    """A type of file the site keeps: its stored extension and the type it is served as."""

    name: str
    extension: str
    content_type: str
    is_image: bool = False


PDF = Kind("PDF", "pdf", "application/pdf")
JPEG = Kind("JPEG", "jpg", "image/jpeg", is_image=True)
PNG = Kind("PNG", "png", "image/png", is_image=True)
WEBP = Kind("WEBP", "webp", "image/webp", is_image=True)
XLSX = Kind("XLSX", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
CSV = Kind("CSV", "csv", "text/csv")

PHOTO_KINDS = frozenset({JPEG, PNG, WEBP})
PAPER_KINDS = frozenset({PDF, JPEG, PNG})

# Pillow's format names. MPO is the JPEG many phone cameras write (a second, depth picture
# after the first); every viewer shows it as a JPEG.
_PILLOW_KINDS = {"JPEG": JPEG, "MPO": JPEG, "PNG": PNG, "WEBP": WEBP}
# Only the decoders for the pictures we keep ever see a user's bytes.
_PILLOW_FORMATS = ["JPEG", "PNG", "WEBP"]

# A stored file is served as the type its server-chosen extension names; any other extension
# (a name kept from before names were chosen here) is served as bytes to save, never shown.
_SERVED_KINDS = {kind.extension: kind for kind in (PDF, JPEG, PNG, WEBP, XLSX, CSV)}
_OPAQUE = Kind("", "bin", "application/octet-stream")

# "%PDF-1.7" then an end of line or a comment: a script after "%PDF-" is no PDF version.
_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d[\r\n%\s]")
_PDF_TAIL_BYTES = 1024
_STORED_NAME = re.compile(r"[0-9a-f]{16}\.([a-z]+)")


class Refused(Exception):
    """The content is not a file of an allowed type, or a picture with too many pixels."""

    def __init__(self, reason, *, width=None, height=None):
        super().__init__(reason)
        self.reason = reason
        self.width = width
        self.height = height


def _is_pdf(handle) -> bool:
    """A PDF starts with its version and ends with %%EOF in its last kilobyte; a page of
    script after a "%PDF-" prefix fails both."""
    handle.seek(0)
    if not _PDF_HEADER.match(handle.read(16)):
        return False
    handle.seek(0, 2)
    end = handle.tell()
    handle.seek(max(0, end - _PDF_TAIL_BYTES))
    return b"%%EOF" in handle.read()


def _image_kind(handle):
    """The picture's kind from its header and chunks, refused by its pixel count before a
    single row is decoded."""
    limit = settings.UPLOAD_MAX_IMAGE_PIXELS
    try:
        # Pillow's own bomb guard warns while reading the header; kept as a refusal too, so
        # an operator's higher limit never lets through what Pillow calls a bomb.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", Image.DecompressionBombWarning)
            with Image.open(handle, formats=_PILLOW_FORMATS) as image:
                width, height = image.size
                bomb = any(issubclass(w.category, Image.DecompressionBombWarning) for w in caught)
                if bomb or width * height > limit:
                    raise Refused("too_many_pixels", width=width, height=height)
                kind = _PILLOW_KINDS.get(image.format)
                image.verify()
    except Refused:
        raise
    except Image.DecompressionBombError as exc:
        raise Refused("too_many_pixels") from exc
    except Exception:  # a damaged or hostile file can fail a decoder in any way: not a picture
        return None
    return kind


def sniff(handle) -> Kind:
    """What a file is, read from its content alone; `Refused` when it is nothing we keep.
    The client's name and declared type are never consulted."""
    try:
        if _is_pdf(handle):
            return PDF
        handle.seek(0)
        kind = _image_kind(handle)
    finally:
        handle.seek(0)
    if kind is None:
        raise Refused("unknown")
    return kind


def upload_problem(upload, *, kinds, described) -> str | None:
    """Why an uploaded file is refused (too large, too many pixels, not one of `kinds`), or
    None. Cheap checks first: the byte size, then the header, before any decoding."""
    limit = settings.INSPECTION_PHOTO_MAX_BYTES
    if upload.size > limit:
        return _("%(name)s is %(size)s MB; a file may be at most %(limit)s MB.") % {
            "name": upload.name,
            "size": f"{upload.size / 1_000_000:.1f}",
            "limit": f"{limit / 1_000_000:g}",
        }
    try:
        kind = sniff(upload)
    except Refused as refusal:
        if refusal.reason == "too_many_pixels":
            return _pixels_message(upload.name, refusal)
        kind = None
    if kind not in kinds:
        return _("%(name)s is not %(described)s.") % {"name": upload.name, "described": described}
    return None


def _pixels_message(name, refusal) -> str:
    limit = f"{settings.UPLOAD_MAX_IMAGE_PIXELS / 1_000_000:g}"
    if refusal.width:
        return _(
            "%(name)s is %(width)s by %(height)s pixels; a picture may have at most "
            "%(limit)s megapixels."
        ) % {"name": name, "width": refusal.width, "height": refusal.height, "limit": limit}
    return _("%(name)s has too many pixels; a picture may have at most %(limit)s megapixels.") % {
        "name": name,
        "limit": limit,
    }


# What a browser or a server would run if the bytes were ever taken for a page: a picture
# that also carries one (a polyglot) is refused, not only served safely. Each pattern is long
# enough that the random-looking bytes of a compressed picture match it by chance about once
# in a hundred thousand 10 MB photos.
_MARKUP = re.compile(
    rb"<(?:script|iframe|object|embed)\b|<html[\s>]|<!doctype\s+html|<\?php|javascript:"
    rb"|<svg\s[^>]{0,200}?(?:xmlns|on\w+\s*=)",
    re.IGNORECASE,
)
_SCAN_CHUNK = 1 << 20
_SCAN_OVERLAP = 32


def carries_markup(handle) -> bool:
    """Whether a file holds markup or script anywhere in its bytes, read in chunks."""
    handle.seek(0)
    tail = b""
    try:
        while chunk := handle.read(_SCAN_CHUNK):
            if _MARKUP.search(tail + chunk):
                return True
            tail = chunk[-_SCAN_OVERLAP:]
    finally:
        handle.seek(0)
    return False


def picture_problem(upload, *, described) -> str | None:
    """Why an uploaded picture is refused: what `upload_problem` refuses for photos, and a
    picture that carries a page or script besides."""
    problem = upload_problem(upload, kinds=PHOTO_KINDS, described=described)
    if problem:
        return problem
    if carries_markup(upload):
        return _(
            "%(name)s carries a web page or script inside the picture; save the photo again "
            "from a camera or photo editor."
        ) % {"name": upload.name}
    return None


def damaged_message(name) -> str:
    return _("%(name)s is damaged: its picture does not decode.") % {"name": name}


def thumbnail(upload, *, size) -> ContentFile:
    """A small JPEG of a picture already accepted by `picture_problem`, upright as the camera
    held it, re-encoded from its pixels so nothing else of the upload comes along. Every row
    is decoded: a picture the decoder gives up on raises `Refused("damaged")`. (Once
    WeasyPrint is loaded, Pillow greys out the missing rows of a cut-short picture instead.)"""
    upload.seek(0)
    try:
        with Image.open(upload, formats=_PILLOW_FORMATS) as image:
            # A JPEG decodes at a fraction of its size when only a thumbnail is wanted.
            image.draft("RGB", (size[0] * 2, size[1] * 2))
            picture = ImageOps.exif_transpose(image)
            if picture.mode in ("RGBA", "LA", "PA", "P"):
                # Transparent parts become white, as they look on the page, not black.
                picture = Image.alpha_composite(
                    Image.new("RGBA", picture.size, "white"), picture.convert("RGBA")
                )
            picture = picture.convert("RGB")
    except Exception as exc:  # a damaged picture can fail its decoder in any way
        raise Refused("damaged") from exc
    finally:
        upload.seek(0)
    picture.thumbnail(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82, optimize=True)
    return ContentFile(buffer.getvalue(), name="thumbnail.jpg")


def new_name(folder, kind) -> str:
    """A fresh server-chosen name in `folder` for a file of `kind`."""
    return posixpath.join(folder, f"{secrets.token_hex(8)}.{kind.extension}")


def stored_path(folder, field_file) -> str:
    """The name an upload is stored under (for `upload_to`): chosen here, with the extension
    of what the content is. A file that is nothing we keep (the services refuse those first)
    is stored as opaque bytes."""
    try:
        kind = sniff(field_file.file)
    except (Refused, AttributeError, ValueError, OSError):
        kind = _OPAQUE
    return new_name(folder, kind)


def is_canonical(name, kind) -> bool:
    """Whether a stored name is one this module chose for a file of `kind`."""
    match = _STORED_NAME.fullmatch(posixpath.basename(name))
    return bool(match) and match.group(1) == kind.extension


def served_kind(name) -> Kind:
    """What a stored file is served as: the type its stored extension names, else bytes."""
    extension = posixpath.splitext(name)[1].lstrip(".").lower()
    return _SERVED_KINDS.get(extension, _OPAQUE)


def file_response(field_file, *, filename=None, missing=None) -> FileResponse:
    """Serve a stored file so that no browser runs it: the stored type, never sniffed; a
    sandbox with nothing allowed should it be opened as a page anyway; pictures inline,
    everything else as a download. A file gone from storage is a 404 (`missing` says why)."""
    kind = served_kind(field_file.name)
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(missing or "") from exc
    filename = filename or posixpath.basename(field_file.name)
    if kind is _OPAQUE:
        # Saved as the client named it, a page would open as one from the user's disk.
        filename = f"{posixpath.splitext(filename)[0]}.{kind.extension}"
    response = FileResponse(
        handle, content_type=kind.content_type, as_attachment=not kind.is_image, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
