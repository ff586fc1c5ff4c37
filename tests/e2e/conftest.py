"""Browser tests: Playwright drives Debian's Chromium against a live DealerHub server."""

import os
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.factories import MembershipFactory, UserFactory

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
PASSWORD = "pw-for-tests-1"

# Playwright's sync API keeps an event loop in the test thread; Django refuses ORM calls there
# unless told that the calls are still made one at a time, as they are in these tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM}; `.ci/run --system-packages` installs it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "en-US",
        "accept_downloads": True,
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def staff_user(dealer_a):
    user = UserFactory(username="lot.staff")
    MembershipFactory(user=user, dealer=dealer_a)
    return user


@pytest.fixture
def logged_in(page, live_server, staff_user, markets, maker_codes):
    """A browser page signed in as a member of Alpha Motors, through the login form."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(staff_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page
