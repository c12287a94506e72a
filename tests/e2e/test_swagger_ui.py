"""Swagger UI as a new user meets it: open /docs in headless Chromium, register, log in,
authorize with the token, and make a transfer, all from the page."""

import json
import uuid
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Locator, Page, async_playwright

from tests.support.api import Customer
from tests.support.platform import Platform

CHROMIUM = Path("/usr/bin/chromium")
# No network but loopback here: keep Chromium from calling home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


async def execute(page: Page, operation_id: str, body: dict[str, object]) -> tuple[int, str]:
    """Expand an operation, 'Try it out' with ``body``, 'Execute'; the live status and body."""
    block = page.locator(f"#{operation_id}")
    await block.locator(".opblock-summary").first.click()
    await block.locator("button.try-out__btn").click()
    await block.locator("textarea.body-param__text").fill(json.dumps(body))
    await block.locator("button.execute").click()
    live: Locator = block.locator(".live-responses-table tbody .response").first
    await live.wait_for(timeout=15_000)
    status = int((await live.locator(".response-col_status").inner_text()).strip())
    text = await live.locator(".response-col_description pre").first.inner_text()
    return status, text


async def authorize(page: Page, token: str) -> None:
    await page.locator(".scheme-container button.authorize").click()
    dialog = page.locator(".modal-ux")
    await dialog.locator("input").first.fill(token)
    await dialog.locator("button.authorize").click()
    await dialog.locator("button.btn-done").click()


async def test_register_login_and_transfer_from_swagger_ui(
    platform: Platform, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():  # noqa: ASYNC240 (one stat, before any I/O)
        pytest.fail("Chromium is missing: `./taskw browser` installs it")
    email = f"ui-{uuid.uuid4().hex[:10]}@example.com"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        page = await browser.new_page(viewport={"width": 1280, "height": 2000})
        try:
            await page.goto(f"{platform.base_url}/docs")
            await page.wait_for_selector(".opblock", timeout=15_000)

            registered, _ = await execute(
                page,
                "operations-v1_customers-v1_create_customer",
                {
                    "email": email,
                    "password": "correct horse",
                    "full_name": "Una Interface",
                    "national_id": "42",
                    "gender": "F",
                },
            )
            assert registered == 201
            status, token_body = await execute(
                page,
                "operations-v1_auth-v1_issue_token",
                {"email": email, "password": "correct horse"},
            )
            assert status == 200
            token = json.loads(token_body)["access_token"]
            await authorize(page, token)

            me = Customer(http=http, id=0, token=token)
            source, target = await me.new_wallet(), await me.new_wallet()
            await me.deposit(source, 5_000)
            transferred, transfer_body = await execute(
                page,
                "operations-v1_transfers-v1_create_transfer",
                {
                    "from_account": source,
                    "to_account": target,
                    "amount": {"amount_minor": 1_250, "currency": "USD"},
                },
            )
            assert transferred == 201, transfer_body
            assert json.loads(transfer_body)["status"] == "completed"
            assert await me.balance(target) == 1_250
        finally:
            await page.screenshot(path=str(tmp_path / "swagger-ui.png"), full_page=True)
            await browser.close()
    assert (tmp_path / "swagger-ui.png").stat().st_size > 10_000
