"""``./taskw legacy:fixture``: three databases shaped like the old system's, filled with data
like its production data (../shared/legacy/SCHEMA.md), every known inconsistency planted.

Rows are made by PostgreSQL itself (``generate_series``), so a million customers take no
memory here. Every value is a function of the row's number, so a fixture of a given size
is the same each time; tests still count what it holds with their own SQL, not from these
formulas. Which rows get which anomaly (``t`` a transaction's id, ``w`` a wallet's):

- transactions, by ``t % 1000``: 1 failed with the credit row only (half done), 2 pending
  with both rows, 3 pending with none, 9 pending with the debit only, 10 failed with none,
  4 amount zero, 5 negative, 6 to its own wallet, 8 the 0.005 artefact (0.01 credited,
  nothing debited); every 1999th soft-deleted;
- customers: every 500th's next two have its e-mail in upper case with spaces around, and
  with a full-width first letter; every 211th an empty password; every 997th (+5)
  soft-deleted; every 301st no gender; every 50th the national id of the one before;
- wallets: ``w % 100`` 3 and 4 off from their activity, ``w % 500 == 7`` negative, every
  1499th soft-deleted, and one orphan (owner missing) per 1000 customers;
- activity: one row without a wallet and one without an action per 200 customers, a
  negative deposit per 700 wallets, every 2999th soft-deleted.
"""

import argparse
import asyncio
import re
import time
from dataclasses import dataclass

import asyncpg
import bcrypt

from tekana_common.db import database_url
from tekana_devstack.legacy import schema

# bcryptjs 2.4.3's hashes: cost 10, "$2a$". Eight passwords, hashed once, shared by all.
COST = 10
PASSWORDS = (*(f"legacy-password-{k}" for k in range(7)), "")
EMPTY_PASSWORD_EVERY = 211
LEGACY_TABLES = {"customer", "wallet", "wallet_activity_log", "transaction"}


def password_of(customer_id: int) -> str:
    """The password a fixture customer's hash was made from."""
    if customer_id % EMPTY_PASSWORD_EVERY == 0:
        return ""
    return PASSWORDS[customer_id % 7]


@dataclass(frozen=True)
class Databases:
    customer: str
    wallet: str
    transaction: str

    @classmethod
    def named(cls, server_url: str, prefix: str) -> "Databases":
        return cls(
            customer=database_url(server_url, f"{prefix}_customer"),
            wallet=database_url(server_url, f"{prefix}_wallet"),
            transaction=database_url(server_url, f"{prefix}_transaction"),
        )


# Names and e-mails of customer j (an SQL expression in j).
_FIRST = "(ARRAY['Aline','Eric','Grace','Jean','Diane','Olivier','Clarisse','Emmy','Yves','Ange'])"
_LAST = (
    "(ARRAY['Uwase','Mugisha','Iradukunda','Habimana','Ingabire','Niyonzima','Keza',"
    "'Byiringiro','Mutesi','Gatete'])"
)
_NAME = f"{_FIRST}[$J % 10 + 1] || ' ' || {_LAST}[($J / 10) % 10 + 1]"
_EMAIL = (
    f"lower({_FIRST}[$J % 10 + 1] || '.' || {_LAST}[($J / 10) % 10 + 1]) || $J || '@example.com'"
)


def _in(expression: str, j: str) -> str:
    return expression.replace("$J", f"({j})")


CUSTOMERS = f"""
INSERT INTO customer (id, email, "fullName", "nationalId", gender, password, created_at,
                      updated_at, deleted_at)
SELECT i,
       CASE WHEN i > 3 AND i % 500 = 2 THEN '  ' || upper({_in(_EMAIL, "i - 1")}) || ' '
            WHEN i > 3 AND i % 500 = 3
                THEN chr(ascii({_in(_EMAIL, "i - 2")}) + 65248) || substr({_in(_EMAIL, "i - 2")}, 2)
            ELSE {_in(_EMAIL, "i")} END,
       {_in(_NAME, "i")},
       (1199080000000000 + (CASE WHEN i % 50 = 0 THEN i - 1 ELSE i END) * 7919)::text,
       CASE WHEN i % 301 = 0 THEN NULL WHEN i % 2 = 0 THEN 'F' ELSE 'M' END::customer_gender_enum,
       ($1::text[])[CASE WHEN i % {EMPTY_PASSWORD_EVERY} = 0 THEN 8 ELSE i % 7 + 1 END],
       timestamp '2020-01-01' + i * interval '1 minute',
       timestamp '2020-01-01' + i * interval '1 minute',
       CASE WHEN i % 997 = 5 THEN timestamptz '2023-06-01 12:00+00' END
FROM generate_series(1::bigint, :customers) AS i;
SELECT setval(pg_get_serial_sequence('customer', 'id'), :customers);
"""

# Wallet w (1..2N) belongs to customer (w + 1) / 2; orphans come after, owners missing.
# :customers, :wallets and :transfers stand for the sizes (``_sized``).
_ACCOUNT = "'200-' || (({w} + 1) / 2) || '-' || (1600000000000 + {w} * 1000 + {w} % 997)"


def _account(w: str) -> str:
    return _ACCOUNT.format(w=f"({w})")


_TRANSFER = """
    (t * 7919) % :wallets + 1 AS s,
    CASE WHEN t % 1000 = 6 THEN (t * 7919) % :wallets + 1
         ELSE (t * 104729 + 31) % :wallets + 1 END AS r,
    CASE t % 1000 WHEN 4 THEN 0 WHEN 5 THEN -(((t * 37) % 5000 + 1)::numeric / 100)
                  WHEN 8 THEN 0.01 ELSE ((t * 37) % 5000 + 1)::numeric / 100 END AS amount,
    timestamp '2021-01-01' + t * interval '7 seconds' AS at"""

TRANSACTIONS = f"""
INSERT INTO transaction (id, amount, status, "senderAcc", "receiverAcc", created_at,
                         updated_at, deleted_at)
SELECT t, amount,
       CASE WHEN t % 1000 IN (1, 10) THEN 'failed' WHEN t % 1000 IN (2, 3, 9) THEN 'pending'
            ELSE 'completed' END::transaction_status_enum,
       {_account("s")}, {_account("r")}, at, at,
       CASE WHEN t % 1999 = 0 THEN timestamptz '2023-06-01 12:00+00' END
FROM (SELECT t, {_TRANSFER} FROM generate_series(1::bigint, :transfers) AS t) x;
SELECT setval(pg_get_serial_sequence('transaction', 'id'), :transfers);
"""

WALLETS = f"""
INSERT INTO wallet (id, "accNumber", "walletType", balance, "customerId", created_at, updated_at,
                    deleted_at)
SELECT w, {_account("w")},
       CASE WHEN w % 401 = 0 THEN NULL
            ELSE (ARRAY['personal','saving','loan'])[w % 3 + 1] END::wallet_wallettype_enum,
       0, (w + 1) / 2,
       timestamp '2020-01-01' + w * interval '30 seconds',
       timestamp '2020-01-01' + w * interval '30 seconds',
       CASE WHEN w % 1499 = 0 THEN timestamptz '2023-06-01 12:00+00' END
FROM generate_series(1::bigint, :wallets) AS w;
INSERT INTO wallet (id, "accNumber", "walletType", balance, "customerId")
SELECT :wallets + k, '200-' || (:customers + 100000 + k) || '-' || (1700000000000 + k), 'personal',
       25.00, :customers + 100000 + k
FROM generate_series(1::bigint, greatest(1, :customers / 1000)) AS k;
SELECT setval(pg_get_serial_sequence('wallet', 'id'), :wallets + greatest(1, :customers / 1000));
"""

# Every activity row, inserted in time order so ids run with time as the old system's did.
ACTIVITY = f"""
INSERT INTO wallet_activity_log ("transactionId", amount, action, "walletId", created_at,
                                 updated_at)
SELECT tx, amount, action::wallet_activity_log_action_enum, wallet, at, at FROM (
    SELECT t AS tx, CASE WHEN t % 1000 = 8 THEN 0.00 ELSE amount END AS amount,
           'debit' AS action, s AS wallet, at
    FROM (SELECT t, {_TRANSFER} FROM generate_series(1::bigint, :transfers) AS t) x
    WHERE t % 1000 NOT IN (1, 3, 8, 10)
    UNION ALL
    SELECT t, amount, 'credit', r, at
    FROM (SELECT t, {_TRANSFER} FROM generate_series(1::bigint, :transfers) AS t) x
    WHERE t % 1000 NOT IN (3, 9, 10)
    UNION ALL
    SELECT (w * 31 + k * 17) % :transfers + 1,
           CASE WHEN w % 700 = 5 AND k = 0 THEN -50 ELSE 100 + (w * 13 + k) % 900 END,
           'credit', w,
           timestamp '2021-01-01' - interval '3 seconds'
               + ((w * 53 + k * (:transfers / 2)) % :transfers) * interval '7 seconds'
    FROM generate_series(1::bigint, :wallets) AS w, generate_series(0, 1) AS k
    UNION ALL
    SELECT k, 10, 'credit', NULL, timestamp '2021-01-01' + k * interval '1 hour'
    FROM generate_series(1::bigint, greatest(1, :customers / 200)) AS k
    UNION ALL
    SELECT k, 5, NULL, k, timestamp '2021-01-01' + k * interval '1 hour' + interval '1 second'
    FROM generate_series(1::bigint, greatest(1, :customers / 200)) AS k
) rows
ORDER BY at, wallet NULLS FIRST, action;
UPDATE wallet_activity_log SET deleted_at = timestamptz '2023-06-01 12:00+00'
WHERE id % 2999 = 0;
"""

# What each wallet's log adds up to, then the planted disagreements and negatives.
BALANCES = """
UPDATE wallet w SET balance = sums.total
FROM (SELECT "walletId" AS id,
             sum(CASE action WHEN 'credit' THEN amount ELSE -amount END) AS total
      FROM wallet_activity_log WHERE "walletId" IS NOT NULL AND action IS NOT NULL
      GROUP BY "walletId") sums
WHERE w.id = sums.id;
UPDATE wallet SET balance = balance + 12.34 WHERE id % 100 = 3 AND id <= :wallets;
UPDATE wallet SET balance = balance - 100 WHERE id % 100 = 4 AND id <= :wallets;
UPDATE wallet SET balance = -((id % 50) + 1) - 0.5 WHERE id % 500 = 7 AND id <= :wallets;
"""


async def drop(server_url: str, prefix: str) -> None:
    """Every database named ``<prefix>_...``."""
    conn = await asyncpg.connect(database_url(server_url, "postgres"))
    try:
        for row in await conn.fetch(
            "SELECT quote_ident(datname) AS name FROM pg_database WHERE datname LIKE $1",
            prefix.replace("_", "\\_") + "\\_%",
        ):
            await conn.execute(f"DROP DATABASE {row['name']} WITH (FORCE)")
    finally:
        await conn.close()


async def _recreate(admin: asyncpg.Connection, server_url: str, name: str) -> None:
    """A fresh database ``name``; refused if one exists holding anything but the old
    system's tables (so a wrong prefix never wipes a Tekana database)."""
    exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    quoted = await admin.fetchval("SELECT quote_ident($1)", name)
    if exists:
        conn = await asyncpg.connect(database_url(server_url, name))
        try:
            tables = {
                r["tablename"]
                for r in await conn.fetch(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            }
        finally:
            await conn.close()
        if others := sorted(tables - LEGACY_TABLES):
            raise SystemExit(
                f"legacy:fixture: database {name} holds other tables ({', '.join(others)});"
                " choose another --database-prefix"
            )
        await admin.execute(f"DROP DATABASE {quoted} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {quoted}")


async def make(server_url: str, prefix: str, customers: int) -> Databases:
    """The three databases of ``customers`` customers, their wallets and history."""
    if customers < 1:
        raise SystemExit("legacy:fixture: --customers must be at least 1")
    wallets = 2 * customers
    transfers = 4 * wallets
    hashes = [
        bcrypt.hashpw(p.encode(), bcrypt.gensalt(COST, prefix=b"2a")).decode() for p in PASSWORDS
    ]
    made = Databases.named(server_url, prefix)
    admin = await asyncpg.connect(database_url(server_url, "postgres"))
    try:
        for url in (made.customer, made.wallet, made.transaction):
            await _recreate(admin, server_url, url.rsplit("/", 1)[1])
    finally:
        await admin.close()
    sizes = {"customers": customers, "wallets": wallets, "transfers": transfers}
    steps = [
        ("customers", made.customer, schema.CUSTOMER, CUSTOMERS),
        ("transactions", made.transaction, schema.TRANSACTION, TRANSACTIONS),
        ("wallets", made.wallet, schema.WALLET, WALLETS),
        ("activity", made.wallet, "", ACTIVITY),
        ("balances", made.wallet, "", BALANCES),
    ]
    for label, url, ddl, fill in steps:
        started = time.monotonic()
        conn = await asyncpg.connect(url)
        try:
            if ddl:
                await conn.execute(ddl)
            for statement in _statements(_sized(fill, sizes)):
                # Only the customers' insert binds one: the hashes.
                await conn.execute(statement, *([hashes] if "$1" in statement else []))
        finally:
            await conn.close()
        print(f"legacy:fixture: {label} in {time.monotonic() - started:.1f} s", flush=True)
    return made


def _statements(sql: str) -> list[str]:
    return [s.strip() for s in sql.split(";\n") if s.strip()]


def _sized(sql: str, sizes: dict[str, int]) -> str:
    """``sql`` with each ``:name`` of ``sizes`` as its integer."""
    return re.sub(r":(customers|wallets|transfers)\b", lambda m: str(int(sizes[m[1]])), sql)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customers", type=int, default=1000, help="customers (default 1000)")
    parser.add_argument(
        "--database-prefix",
        default="legacy",
        help="the databases are <prefix>_customer, _wallet, _transaction (default legacy)",
    )


def run(args: argparse.Namespace, server_url: str) -> int:
    made = asyncio.run(make(server_url, args.database_prefix, args.customers))
    print(f"--customer-db {made.customer} --wallet-db {made.wallet}", end=" ")
    print(f"--transaction-db {made.transaction}")
    return 0
