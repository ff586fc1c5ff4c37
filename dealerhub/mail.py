"""Outgoing e-mail: charts as inline PNG pictures, links back to the site."""

import hashlib
from dataclasses import dataclass
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
from django.urls import reverse

from . import charts

# Gmail and Outlook drop inline SVG, so a chart travels as a PNG drawn from the same SVG. Twice
# the drawing's size keeps it sharp on high-density screens; the <img> keeps the drawing's size.
PNG_SCALE = 2
# The rasteriser takes one font per text element and has no per-character fallback, so the
# labels name the font that covers Chinese as well as Latin (fonts-noto-cjk); browsers keep
# the page's own "sans-serif".
PNG_FONT_FAMILY = "Noto Sans CJK SC,DejaVu Sans,sans-serif"


def site_url(path: str) -> str:
    """`path` as an absolute address on the site (SITE_URL), for links in e-mails."""
    return f"{settings.SITE_URL}{path}"


def site_link(name: str, *args) -> str:
    """The absolute address of a named URL, for links in e-mails."""
    return site_url(reverse(name, args=args))


def svg_to_png(svg: str) -> bytes:
    """A chart's SVG drawn as a PNG picture, for mail clients that show no SVG."""
    import cairosvg  # loads libcairo; only the e-mail needs it, not every page

    drawable = svg.replace('font-family="sans-serif"', f'font-family="{PNG_FONT_FAMILY}"')
    return cairosvg.svg2png(bytestring=drawable.encode(), scale=PNG_SCALE, background_color="white")


@dataclass(frozen=True)
class InlineChart:
    """A chart as an e-mail shows it: the picture by its Content-ID, and its table of figures."""

    title: str
    description: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    content_id: str
    png: bytes
    width: int
    height: int

    @property
    def src(self) -> str:
        return f"cid:{self.content_id}"

    def mime(self) -> MIMEImage:
        image = MIMEImage(self.png, "png")
        image.add_header("Content-ID", f"<{self.content_id}>")
        image.add_header("Content-Disposition", "inline", filename=f"{self.content_id}.png")
        return image


def inline_chart(chart: charts.Chart, *, width: int = 560, height: int = 220) -> InlineChart:
    # The id comes from the drawing, so two languages' charts differ and one message's
    # charts never collide.
    digest = hashlib.sha1(chart.svg.encode(), usedforsecurity=False).hexdigest()[:12]
    return InlineChart(
        title=chart.title,
        description=chart.description,
        columns=chart.columns,
        rows=chart.rows,
        content_id=f"chart-{digest}@dealerhub",
        png=svg_to_png(chart.svg),
        width=width,
        height=height,
    )


class EmailWithInlineImages(EmailMultiAlternatives):
    """A plain-text and HTML e-mail whose HTML travels with the pictures it shows.

    The HTML alternative becomes multipart/related with each picture as a part named by its
    Content-ID, which every mail client resolves from `<img src="cid:...">`:
    mixed(alternative(text, related(html, images...)), attachments...).
    """

    def __init__(self, *args, inline_images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.inline_images = list(inline_images)

    # Django 5.2's hook for the alternatives part; its public API for MIME parts comes in 6.0.
    def _create_alternatives(self, msg):
        if not self.inline_images:
            return super()._create_alternatives(msg)
        encoding = self.encoding or settings.DEFAULT_CHARSET
        alternatives = SafeMIMEMultipart(_subtype=self.alternative_subtype, encoding=encoding)
        alternatives.attach(msg)
        for content, mimetype in self.alternatives:
            part = self._create_mime_attachment(content, mimetype)
            if mimetype == "text/html":
                related = SafeMIMEMultipart(_subtype="related", encoding=encoding)
                related.attach(part)
                for image in self.inline_images:
                    related.attach(image.mime())
                part = related
            alternatives.attach(part)
        return alternatives


def email_message(*, subject, text, html, to, images=(), attachments=()) -> EmailWithInlineImages:
    """One e-mail with its plain-text part, its HTML part, the HTML's pictures and files."""
    message = EmailWithInlineImages(subject=subject, body=text, to=to, inline_images=images)
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message
