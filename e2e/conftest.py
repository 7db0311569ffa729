"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

Outside CI a machine without Chromium skips them; with CI=true a missing browser is a failure
(and the root conftest fails the run if any browser test was skipped)."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import in_ci

CHROMIUM = Path(os.environ.get("HUZHU_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"浏览器测试需要 {CHROMIUM}（apt-get install chromium）"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the tests' own ORM calls are
    # still synchronous, so Django's async guard is lifted while the browser is open.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            yield launched
            launched.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def watch_policy(page) -> list[str]:
    """Content-Security-Policy violations the page reports (each test asserts there are none:
    the policy forbids inline script and style, so a template or library that relies on them
    shows up here)."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


# what a page loads besides itself and its htmx/fetch calls (those may answer 4xx on purpose)
SUBRESOURCES = frozenset({"stylesheet", "script", "image", "font", "media", "other"})


def watch_missing(page) -> list[str]:
    """Style sheets, scripts, images, fonts and the tab icon that failed to load: a template
    naming a static file that does not exist shows up here (each test asserts there are none)."""
    missing: list[str] = []
    page.on(
        "response",
        lambda response: (
            missing.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type in SUBRESOURCES
            else None
        ),
    )
    return missing


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = watch_policy(page)
    missing = watch_missing(page)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
    context.close()
    assert violations == [], violations
    assert missing == [], missing
