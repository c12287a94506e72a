"""Every process exports its metrics, and they move when requests are made."""

import re

import aiohttp

from tests.support.api import new_customer
from tests.support.platform import Platform


async def scrape(url: str) -> str:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        return await response.text()


def value(text: str, series: str, **labels: str) -> float:
    """The sum of a series' samples whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"^{series}(\{{(.*)\}})? ([0-9.e+-]+)$", line)
        if not match:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(match.group(3))
    return total


def service_url(platform: Platform, service: str) -> str:
    return f"http://127.0.0.1:{platform.metrics_ports[service]}/metrics"


async def test_gateway_metrics_are_not_on_the_api_port(
    http: aiohttp.ClientSession, platform: Platform
) -> None:
    async with http.get(f"{platform.base_url}/metrics") as response:
        assert response.status == 404
    assert "tekana_http_requests_total" in await scrape(service_url(platform, "gateway"))


async def test_metrics_move_with_requests(http: aiohttp.ClientSession, platform: Platform) -> None:
    gateway_url = service_url(platform, "gateway")
    before = {
        "gateway": await scrape(gateway_url),
        "transaction": await scrape(service_url(platform, "transaction")),
        "wallet": await scrape(service_url(platform, "wallet")),
        "customer": await scrape(service_url(platform, "customer")),
    }
    ann = await new_customer(http)
    a, b = await ann.new_wallet(), await ann.new_wallet()
    await ann.deposit(a, 100)
    assert (await ann.transfer(a, b, 10)).status == 201
    assert (await ann.transfer(a, b, 1_000)).status == 409
    after = {
        "gateway": await scrape(gateway_url),
        "transaction": await scrape(service_url(platform, "transaction")),
        "wallet": await scrape(service_url(platform, "wallet")),
        "customer": await scrape(service_url(platform, "customer")),
    }

    def grew(process: str, series: str, **labels: str) -> bool:
        return value(after[process], series, **labels) > value(before[process], series, **labels)

    assert grew("gateway", "tekana_http_requests_total", route="/v1/transfers", status="201")
    assert grew("gateway", "tekana_http_requests_total", route="/v1/transfers", status="409")
    assert grew("gateway", "tekana_http_request_duration_seconds_count", route="/v1/transfers")
    assert grew(
        "transaction", "tekana_rpc_requests_total", grpc_method="CreateMovements", grpc_code="OK"
    )
    assert grew("transaction", "tekana_use_cases_total", use_case="transfer", grpc_code="OK")
    assert grew(
        "transaction",
        "tekana_use_cases_total",
        use_case="transfer",
        grpc_code="FAILED_PRECONDITION",
    )
    assert grew("transaction", "tekana_use_case_duration_seconds_count", use_case="transfer")
    assert grew("transaction", "tekana_transfers_total", kind="transfer", outcome="completed")
    assert grew("transaction", "tekana_transfers_total", kind="transfer", outcome="failed")
    assert grew("wallet", "tekana_rpc_duration_seconds_count", grpc_method="ApplyTransfers")
    assert grew("customer", "tekana_rpc_requests_total", grpc_method="Register")
    for process in ("customer", "wallet", "transaction"):
        assert value(after[process], "tekana_db_pool_connections", state="max") > 0
    assert "tekana_argon2_queue_length" in after["customer"]
    # Recovery runs every few seconds and publishes the age of what it found pending.
    assert re.search(r"^tekana_saga_oldest_pending_seconds [0-9.e+-]+$", after["transaction"], re.M)
