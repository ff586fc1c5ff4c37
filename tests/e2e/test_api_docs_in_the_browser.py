"""The API's interactive docs run in the browser under the site's Content-Security-Policy,
from this site's own static files."""

from playwright.sync_api import expect


def test_the_api_docs_render_under_the_policy(page, live_server):
    seen, requested = [], []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_text("DealerHub API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/vehicles/{vehicle_id}/export-check")).to_be_visible()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    assert seen == []
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested)
