"""Seed a platform's databases fast for benchmarks: customers (one shared argon2id hash),
wallets funded by deposits that are real double-entry records, so every ledger invariant
holds afterwards. Writes straight to the three databases with COPY, in one transaction
each, instead of through the API (10,000 registrations would spend minutes in argon2id)."""

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from argon2 import PasswordHasher, Type

from tekana_common.db import database_url
from tekana_customer.national_ids import NationalIdCipher, load_keys
from tekana_customer.passwords import MEMORY_KIB, TIME_COST
from tekana_devstack.up import national_id_keys
from tekana_transaction.domain import Kind, fingerprint
from tekana_wallet.domain import new_account_number

PASSWORD = "bench password"  # noqa: S105 (seeded test customers, not a secret)
CURRENCY = "USD"


@dataclass(frozen=True)
class Seeded:
    emails: dict[int, str]  # customer id → e-mail; every password is PASSWORD
    accounts: list[tuple[int, str]]  # (owner, account number)


def _email(n: int, run: str) -> str:
    return f"bench-{run}-{n}@bench.tekana.test"


def cipher_for(state_dir: Path) -> NationalIdCipher:
    """The national id keys the platform seals with: the environment's, else the ones
    ``up`` keeps in ``state_dir``."""
    made = national_id_keys(state_dir)
    return NationalIdCipher(
        load_keys(
            inline=os.environ.get("TEKANA_NATIONAL_ID_KEYS"),
            path=os.environ.get("TEKANA_NATIONAL_ID_KEYS_FILE")
            or made.get("TEKANA_NATIONAL_ID_KEYS_FILE"),
        )
    )


async def seed(
    server_url: str,
    prefix: str,
    *,
    customers: int,
    cipher: NationalIdCipher,
    wallets_each: int = 2,
    balance: int = 10**9,
) -> Seeded:
    run = uuid.uuid4().hex[:6]
    # The service's own parameters (one lane): argon2-cffi's default is four.
    password_hash = PasswordHasher(
        time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=1, type=Type.ID
    ).hash(PASSWORD)
    emails = await _customers(server_url, prefix, customers, run, password_hash, cipher)
    accounts = _accounts(list(emails), wallets_each)
    deposits = await _wallets(server_url, prefix, accounts, balance)
    await _transactions(server_url, prefix, deposits, balance)
    return Seeded(emails, accounts)


async def _customers(
    server_url: str,
    prefix: str,
    count: int,
    run: str,
    password_hash: str,
    cipher: NationalIdCipher,
) -> dict[int, str]:
    conn = await asyncpg.connect(database_url(server_url, f"{prefix}_customer"))
    try:
        now = datetime.now(UTC)
        # Ids first: each national id is sealed bound to its customer's id.
        ids = await conn.fetch(
            "SELECT nextval(pg_get_serial_sequence('customer', 'id')) FROM generate_series(1, $1)",
            count,
        )
        rows = []
        for n, (customer_id,) in enumerate(ids):
            sealed = cipher.seal(customer_id, f"{n:016d}")
            blob, version = sealed.blob, sealed.key_version
            email, name = _email(n, run), f"Bench {n}"
            rows.append((customer_id, email, password_hash, name, blob, version, "F", False, now))
        await conn.copy_records_to_table(
            "customer",
            records=rows,
            columns=[
                "id",
                "email",
                "password_hash",
                "full_name",
                "national_id_cipher",
                "national_id_key",
                "gender",
                "is_admin",
                "created_at",
            ],
        )
    finally:
        await conn.close()
    return {row[0]: row[1] for row in rows}


def _accounts(customer_ids: list[int], wallets_each: int) -> list[tuple[int, str]]:
    taken: set[str] = set()
    accounts = []
    for owner in customer_ids:
        for _ in range(wallets_each):
            number = new_account_number()
            while number in taken:
                number = new_account_number()
            taken.add(number)
            accounts.append((owner, number))
    return accounts


@dataclass(frozen=True)
class _Deposit:
    transfer_id: uuid.UUID
    owner: int
    account: str
    funding: str


async def _wallets(
    server_url: str, prefix: str, accounts: list[tuple[int, str]], balance: int
) -> list[_Deposit]:
    conn = await asyncpg.connect(database_url(server_url, f"{prefix}_wallet"))
    now = datetime.now(UTC)
    try:
        async with conn.transaction():
            funding = await _funding_wallet(conn, now)
            await conn.copy_records_to_table(
                "wallet",
                records=[(a, o, "personal", CURRENCY, "active", balance, now) for o, a in accounts],
                columns=[
                    "account_number",
                    "owner_id",
                    "type",
                    "currency",
                    "status",
                    "balance",
                    "created_at",
                ],
            )
            rows = await conn.fetch(
                "SELECT account_number, id FROM wallet WHERE account_number = ANY($1)",
                [a for _, a in accounts],
            )
            ids: dict[str, int] = {r["account_number"]: r["id"] for r in rows}
            deposits = [
                _Deposit(uuid.uuid4(), o, a, funding["account_number"]) for o, a in accounts
            ]
            after = funding["balance"]
            entries, transfers = [], []
            for deposit in deposits:
                after -= balance
                entries.append(
                    (
                        funding["id"],
                        deposit.transfer_id,
                        "debit",
                        balance,
                        after,
                        deposit.account,
                        now,
                    )
                )
                entries.append(
                    (
                        ids[deposit.account],
                        deposit.transfer_id,
                        "credit",
                        balance,
                        balance,
                        deposit.funding,
                        now,
                    )
                )
                transfers.append(
                    (
                        deposit.transfer_id,
                        deposit.funding,
                        deposit.account,
                        balance,
                        CURRENCY,
                        "completed",
                        now,
                    )
                )
            await conn.copy_records_to_table(
                "ledger_entry",
                records=entries,
                columns=[
                    "wallet_id",
                    "transfer_id",
                    "direction",
                    "amount",
                    "balance_after",
                    "counterparty_account",
                    "created_at",
                ],
            )
            await conn.copy_records_to_table(
                "transfer",
                records=transfers,
                columns=[
                    "transfer_id",
                    "from_account",
                    "to_account",
                    "amount",
                    "currency",
                    "status",
                    "created_at",
                ],
            )
            await conn.execute("UPDATE wallet SET balance = $1 WHERE id = $2", after, funding["id"])
    finally:
        await conn.close()
    return deposits


async def _funding_wallet(conn: asyncpg.Connection, now: datetime) -> asyncpg.Record:
    found = await conn.fetchrow(
        "SELECT id, account_number, balance FROM wallet WHERE type = 'funding' AND currency = $1"
        " FOR UPDATE",
        CURRENCY,
    )
    if found is not None:
        return found
    created = await conn.fetchrow(
        "INSERT INTO wallet (account_number, owner_id, type, currency, status, balance,"
        " created_at) VALUES ($1, NULL, 'funding', $2, 'active', 0, $3)"
        " RETURNING id, account_number, balance",
        new_account_number(),
        CURRENCY,
        now,
    )
    assert created is not None
    return created


async def _transactions(
    server_url: str, prefix: str, deposits: list[_Deposit], balance: int
) -> None:
    conn = await asyncpg.connect(database_url(server_url, f"{prefix}_transaction"))
    now = datetime.now(UTC)
    try:
        await conn.copy_records_to_table(
            "transaction",
            records=[
                (
                    d.transfer_id,
                    Kind.DEPOSIT.value,
                    d.funding,
                    d.account,
                    balance,
                    CURRENCY,
                    "completed",
                    None,
                    d.owner,
                    None,
                    d.owner,
                    f"seed-{d.account}",
                    fingerprint(Kind.DEPOSIT, d.funding, d.account, balance, CURRENCY),
                    now,
                    now,
                )
                for d in deposits
            ],
            columns=[
                "id",
                "kind",
                "sender_account",
                "receiver_account",
                "amount",
                "currency",
                "status",
                "failure_code",
                "initiator_id",
                "sender_owner_id",
                "receiver_owner_id",
                "idempotency_key",
                "request_fingerprint",
                "created_at",
                "completed_at",
            ],
        )
    finally:
        await conn.close()
