"""HTML to PDF for every printable document: WeasyPrint, fonts, nothing fetched from outside
the document, and the same bytes for the same HTML."""

from urllib.parse import urlsplit

# Fonts from Debian packages that fontconfig resolves on the project's machines: DejaVu Sans
# (fonts-dejavu-core) covers Latin, Cyrillic and Arabic, Noto Sans CJK SC (fonts-noto-cjk)
# Chinese. The page heads (templates/core/_pdf_head.html) name them in CSS. WeasyPrint splits
# an SVG font-family on commas and strips quotes without trimming spaces, so inside SVG the
# names stay unquoted with no space after the commas.
SVG_FONT_FAMILY = "DejaVu Sans,Noto Sans CJK SC,sans-serif"

LEFT_TO_RIGHT_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2066", "\u2069"
FIRST_STRONG_ISOLATE = "\u2068"


class ResourceRefused(ValueError):
    """The document's HTML asked for something not embedded in it."""


def inline_only_fetcher():
    """A WeasyPrint URL fetcher that serves data: URLs only.

    A document holds text typed by staff; whatever reaches its HTML must not make the server
    read its own files or call another host. A refusal stops the rendering rather than
    printing a document with a piece missing. WeasyPrint is imported here, not with the
    module, because the web pages that only draw a diagram or a QR code should neither wait
    for it to load nor need its system libraries.
    """
    from weasyprint.urls import URLFetcher

    class InlineOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if urlsplit(url).scheme.lower() != "data":
                raise ResourceRefused(f"Documents embed what they show; refused {url[:200]!r}")
            return super().fetch(url, headers)

    return InlineOnlyFetcher(
        allowed_protocols=("data",), allow_redirects=False, fail_on_errors=True
    )


def left_to_right_isolates(right_to_left: bool) -> dict[str, str]:
    """The `ltr` and `end_ltr` a PDF template wraps codes, dates, figures and addresses in, so
    that they read left to right inside right-to-left text, and the `auto` and `end_auto` it
    wraps text people typed in, which keeps the direction of its first letter (what `dir="auto"`
    does in a browser). WeasyPrint ignores the CSS unicode-bidi property and `dir="auto"`, so
    the isolates go in the text; empty on a left-to-right page."""
    if not right_to_left:
        return {"ltr": "", "end_ltr": "", "auto": "", "end_auto": ""}
    return {
        "ltr": LEFT_TO_RIGHT_ISOLATE,
        "end_ltr": POP_DIRECTIONAL_ISOLATE,
        "auto": FIRST_STRONG_ISOLATE,
        "end_auto": POP_DIRECTIONAL_ISOLATE,
    }


def html_to_pdf(html: str) -> bytes:
    """`html` as a PDF, with nothing fetched from outside it. WeasyPrint stamps no clock into
    the file (dates come only from the document's own `dcterms` meta tags), so the same HTML
    gives the same bytes."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    try:
        return HTML(string=html, url_fetcher=inline_only_fetcher()).write_pdf()
    except FatalURLFetchingError as exc:
        # A BaseException in WeasyPrint, which would slip past Django's error handling.
        raise ResourceRefused(str(exc)) from exc
