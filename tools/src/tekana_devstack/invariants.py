"""The money invariants, checked in SQL across the wallet and transaction databases: the
ledger issue's checks, shared by its tests, the seeding tests and the fault campaign."""

from collections import Counter

import asyncpg

from tekana_common.db import database_url


async def violations(server_url: str, database_prefix: str) -> list[str]:
    """Every broken invariant, described; empty when the books balance."""
    wallet_db = await asyncpg.connect(database_url(server_url, f"{database_prefix}_wallet"))
    tx_db = await asyncpg.connect(database_url(server_url, f"{database_prefix}_transaction"))
    try:
        return await _wallet_violations(wallet_db) + await _saga_violations(wallet_db, tx_db)
    finally:
        await wallet_db.close()
        await tx_db.close()


async def _wallet_violations(db: asyncpg.Connection) -> list[str]:
    found = [
        f"currency {r['currency']} sums to {r['total']}, not 0"
        for r in await db.fetch(
            "SELECT currency, sum(balance) AS total FROM wallet GROUP BY currency"
            " HAVING sum(balance) <> 0"
        )
    ]
    found += [
        f"wallet {r['account_number']} balance {r['balance']} != entries {r['entries']}"
        for r in await db.fetch(
            """SELECT w.account_number, w.balance,
                      coalesce(sum(CASE e.direction WHEN 'credit' THEN e.amount
                                                    ELSE -e.amount END), 0) AS entries
               FROM wallet w LEFT JOIN ledger_entry e ON e.wallet_id = w.id
               GROUP BY w.id HAVING w.balance <> coalesce(sum(CASE e.direction
                   WHEN 'credit' THEN e.amount ELSE -e.amount END), 0)"""
        )
    ]
    found += [
        f"customer wallet {r['account_number']} is negative"
        for r in await db.fetch(
            # The two wallets that issue money: deposits, and imported opening balances.
            "SELECT account_number FROM wallet"
            " WHERE type NOT IN ('funding', 'migration') AND balance < 0"
        )
    ]
    return found


async def _saga_violations(wallet_db: asyncpg.Connection, tx_db: asyncpg.Connection) -> list[str]:
    entries = Counter(
        (str(r["transfer_id"]), r["direction"])
        for r in await wallet_db.fetch("SELECT transfer_id, direction FROM ledger_entry")
    )
    # Imported history is not the ledger's: the old system's balances never came from it.
    transactions = await tx_db.fetch('SELECT id, status FROM "transaction" WHERE NOT imported')
    found = []
    for row in transactions:
        tx_id = str(row["id"])
        debits, credits = entries[(tx_id, "debit")], entries[(tx_id, "credit")]
        if row["status"] == "completed" and (debits, credits) != (1, 1):
            found.append(f"completed {tx_id} has {debits} debits and {credits} credits")
        if row["status"] == "failed" and debits + credits:
            found.append(f"failed {tx_id} has ledger entries")
    known = {str(r["id"]) for r in transactions}
    found += [f"entry for unknown transaction {t}" for t, _ in entries if t not in known]
    return found
