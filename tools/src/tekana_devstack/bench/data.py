"""The data a benchmark drives: seeded customers and wallets, some of them logged in through
the API, written as a Lua table for the wrk script."""

import asyncio
import json
import random
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tekana_customer.national_ids import NationalIdCipher
from tekana_devstack import seed

RECEIVERS = 5_000  # accounts random transfers pay into
LOGIN_EMAILS = 2_000  # customers the login scenario signs in as


@dataclass(frozen=True)
class BenchData:
    tokens: list[str]
    token_emails: list[str]  # whom each token was issued to
    customers: list[int]  # customer id of each token
    accounts: list[str]  # that customer's first wallet
    receivers: list[str]
    hot: str
    emails: list[str]

    def write_lua(self, path: Path) -> None:
        # JSON strings and arrays are valid Lua once arrays become tables.
        def array(values: list[str] | list[int]) -> str:
            return "{" + ",".join(json.dumps(v) for v in values) + "}"

        path.write_text(
            "return {\n"
            f"  tokens = {array(self.tokens)},\n"
            f"  customers = {array(self.customers)},\n"
            f"  accounts = {array(self.accounts)},\n"
            f"  receivers = {array(self.receivers)},\n"
            f"  hot = {json.dumps(self.hot)},\n"
            f"  emails = {array(self.emails)},\n"
            f"  password = {json.dumps(seed.PASSWORD)},\n"
            "}\n"
        )


async def prepare(
    url: str,
    server_url: str,
    database_prefix: str,
    *,
    customers: int,
    logged_in: int,
    cipher: NationalIdCipher,
) -> BenchData:
    """Seed ``customers`` (two wallets each), log ``logged_in`` of them in through the API."""
    seeded = await seed.seed(server_url, database_prefix, customers=customers, cipher=cipher)
    first_wallet: dict[int, str] = {}
    for owner, account in seeded.accounts:
        first_wallet.setdefault(owner, account)
    rng = random.Random(20261125)  # noqa: S311 (which customers to use, not a secret)
    owners = sorted(seeded.emails)
    hot_owner, *others = rng.sample(owners, min(len(owners), logged_in + 1))
    token_emails = [seeded.emails[o] for o in others]
    tokens = await login(url, token_emails)
    all_accounts = [a for _, a in seeded.accounts]
    return BenchData(
        tokens=tokens,
        token_emails=token_emails,
        customers=others,
        accounts=[first_wallet[o] for o in others],
        receivers=rng.sample(all_accounts, min(RECEIVERS, len(all_accounts))),
        hot=first_wallet[hot_owner],
        emails=[seeded.emails[o] for o in rng.sample(owners, min(LOGIN_EMAILS, len(owners)))],
    )


async def login(url: str, emails: list[str]) -> list[str]:
    async with aiohttp.ClientSession(base_url=url) as session:
        gate = asyncio.Semaphore(8)

        async def one(email: str) -> str:
            async with (
                gate,
                session.put(
                    "/customer/login", json={"email": email, "password": seed.PASSWORD}
                ) as response,
            ):
                body = await response.json()
                if response.status != 200 or "token" not in body:
                    raise RuntimeError(f"login of a seeded customer failed: {body}")
                return str(body["token"])

        return list(await asyncio.gather(*(one(e) for e in emails)))


async def login_again(url: str, bench: BenchData) -> list[str]:
    return await login(url, bench.token_emails)
