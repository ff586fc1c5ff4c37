"""The README's screenshots: the main staff pages on a desktop (1280 px) and a phone (390 px),
in English and Chinese, taken from a running server that holds the demo data.

    python manage.py seed_demo && python manage.py runserver 8000
    python -m tests.e2e.screenshots --base http://127.0.0.1:8000

Each picture is the first screen of its page, written to docs/screenshots/<page>-<lang>-<size>.png.
"""

import argparse
import os
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LANGUAGES = {"en": "en-US", "zh": "zh-CN"}
DEMO_LOGIN, DEMO_PASSWORD = "staff.hz", "dealerhub-demo"


def _first_link(page, base, selector, pattern):
    """The address of the first link on the page whose href matches, to reach a demo object
    without knowing its id."""
    for href in page.locator(selector).evaluate_all("(links) => links.map((a) => a.href)"):
        if re.search(pattern, href):
            return href
    raise SystemExit(f"no link matching {pattern} on {page.url}")


def take(base: str, out: Path, chromium: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        for lang, locale in LANGUAGES.items():
            for size, viewport in SIZES.items():
                context = browser.new_context(locale=locale, viewport=viewport)
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.locator("input[name=username]").fill(DEMO_LOGIN)
                page.locator("input[name=password]").fill(DEMO_PASSWORD)
                page.locator("form button[type=submit]").last.click()
                page.wait_for_url(f"{base}/")
                page.goto(f"{base}/inventory/inspections/")
                inspection = _first_link(page, base, "main table a", r"/inspections/\d+/$")
                page.goto(f"{base}/inventory/vehicles/")
                vehicle = _first_link(page, base, "#vehicles a", r"/vehicles/\d+/$")
                pages = {
                    "dashboard": f"{base}/",
                    "inventory": f"{base}/inventory/vehicles/",
                    "vehicle": vehicle,
                    "candidates": f"{base}/exports/candidates/",
                    # The outline and its readings rather than the report's header.
                    "inspection": inspection + "#readings",
                }
                for name, url in pages.items():
                    page.goto(url)
                    page.wait_for_load_state("networkidle")
                    path = out / f"{name}-{lang}-{size}.png"
                    page.screenshot(path=str(path))
                    written.append(path)
                context.close()
        browser.close()
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    args = parser.parse_args()
    for path in take(args.base.rstrip("/"), args.out, args.chromium):
        print(f"{path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
