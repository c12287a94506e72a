"""Wallets: kept with their legacy account number, type and owner, each opened at the
balance its owner sees today by one ledger transfer from the currency's migration wallet.

A negative balance opens at zero and its deficit goes from the migration wallet to the
receivable wallet; the wallet is frozen. A wallet whose owner is missing is frozen and
owned by no one, and so is a soft-deleted one. On a later run, a changed balance is booked
as the difference between what was booked and what is due, never twice."""

from tekana_devstack.legacy.context import STATE_SCHEMA, Run, bulk, one, staged
from tekana_devstack.legacy.piping import pipe
from tekana_wallet.domain import WalletType, new_account_number

_STATE = f"""
CREATE SCHEMA IF NOT EXISTS {STATE_SCHEMA};
CREATE TABLE IF NOT EXISTS {STATE_SCHEMA}.wallet (
    legacy_id integer PRIMARY KEY,
    digest text NOT NULL,
    -- What the ledger holds for it: booked into the wallet, and owed to the receivable.
    opened bigint NOT NULL,
    owed bigint NOT NULL
);
-- The openings' transfer ids, in order (an index grows at its end, not everywhere).
CREATE SEQUENCE IF NOT EXISTS {STATE_SCHEMA}.opening_seq"""

_STAGE = """
CREATE TEMP TABLE stage_customer_id (id integer) ON COMMIT DROP;
CREATE TEMP TABLE stage_wallet (
    id integer, acc text, type text, balance numeric, customer_id integer,
    created_at timestamp, deleted_at timestamptz, digest text
) ON COMMIT DROP"""

_LEGACY = """
SELECT id, "accNumber", "walletType"::text, balance, "customerId", created_at, deleted_at,
       md5(w::text)
FROM wallet w"""

_UPSERT = f"""
WITH written AS (
    INSERT INTO wallet AS w (account_number, owner_id, type, currency, status, balance,
                             created_at, legacy_id, imported_at)
    SELECT s.acc, c.id, coalesce(s.type, 'personal'), $1,
           CASE WHEN c.id IS NULL OR s.balance < 0 OR s.deleted_at IS NOT NULL
                THEN 'frozen' ELSE 'active' END,
           greatest((s.balance * $2)::bigint, 0), s.created_at AT TIME ZONE 'UTC', s.id, now()
    FROM stage_wallet s
    LEFT JOIN stage_customer_id c ON c.id = s.customer_id
    LEFT JOIN {STATE_SCHEMA}.wallet st ON st.legacy_id = s.id
    WHERE st.legacy_id IS NULL OR st.digest <> s.digest
    ON CONFLICT (legacy_id) DO UPDATE SET
        account_number = EXCLUDED.account_number, owner_id = EXCLUDED.owner_id,
        type = EXCLUDED.type, status = EXCLUDED.status
    RETURNING xmax = 0 AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS new, count(*) FILTER (WHERE NOT inserted) AS updated
FROM written"""

# What each wallet must hold and owe now, against what the ledger has booked for it; taken
# before the wallets are written, which new ones are with their opening balance already
# (one write of each row, not an insert and an update).
_OPENINGS = f"""
CREATE TEMP TABLE opening ON COMMIT DROP AS
SELECT s.id AS legacy_id, s.acc AS account_number, w.id IS NOT NULL AS existed,
       coalesce(w.balance, 0) AS before,
       greatest(m.minor, 0) - coalesce(st.opened, 0) AS d_open,
       greatest(-m.minor, 0) - coalesce(st.owed, 0) AS d_owed
FROM stage_wallet s
CROSS JOIN LATERAL (SELECT (s.balance * $1)::bigint AS minor) m
LEFT JOIN wallet w ON w.legacy_id = s.id
LEFT JOIN {STATE_SCHEMA}.wallet st ON st.legacy_id = s.id
WHERE greatest(m.minor, 0) <> coalesce(st.opened, 0)
   OR greatest(-m.minor, 0) <> coalesce(st.owed, 0)"""

# Each booking as one transfer: into (or back out of) the wallet, and to (or back from) the
# receivable; d > 0 is money leaving the migration wallet.
_MOVES = f"""
CREATE TEMP TABLE move ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY wallet_id, part) AS n, m.*,
       (left(md5('tekana-legacy-opening'), 20)
        || lpad(to_hex(nextval('{STATE_SCHEMA}.opening_seq')), 12, '0'))::uuid AS transfer_id
FROM (SELECT w.id AS wallet_id, 0 AS part, o.d_open AS d, w.id AS other_id,
             o.account_number AS other, o.before
      FROM opening o JOIN wallet w ON w.legacy_id = o.legacy_id WHERE o.d_open <> 0
      UNION ALL
      SELECT w.id, 1, o.d_owed, $1::bigint, $2::text, 0
      FROM opening o JOIN wallet w ON w.legacy_id = o.legacy_id WHERE o.d_owed <> 0) m"""

_ENTRIES = """
INSERT INTO ledger_entry (wallet_id, transfer_id, direction, amount, balance_after,
                          counterparty_account, reference, created_at)
SELECT wallet_id, transfer_id, direction, amount, balance_after, counterparty, 0, now()
FROM (
    SELECT n, 0 AS side, $1::bigint AS wallet_id, transfer_id,
           CASE WHEN d > 0 THEN 'debit' ELSE 'credit' END AS direction, abs(d) AS amount,
           $2::bigint - sum(d) OVER (ORDER BY n) AS balance_after, other AS counterparty
    FROM move
    UNION ALL
    SELECT n, 1, other_id, transfer_id, CASE WHEN d > 0 THEN 'credit' ELSE 'debit' END,
           abs(d),
           CASE part WHEN 0 THEN before + d
                ELSE $4::bigint + sum(CASE part WHEN 1 THEN d ELSE 0 END) OVER (ORDER BY n) END,
           $3::text
    FROM move
) e ORDER BY n, side"""

_TRANSFERS = """
INSERT INTO transfer (transfer_id, from_account, to_account, amount, currency, status,
                      created_at)
SELECT transfer_id, CASE WHEN d > 0 THEN $1 ELSE other END,
       CASE WHEN d > 0 THEN other ELSE $1 END, abs(d), $2, 'completed', now()
FROM move"""

_REMEMBER = f"""
INSERT INTO {STATE_SCHEMA}.wallet (legacy_id, digest, opened, owed)
SELECT s.id, s.digest, greatest(m.minor, 0), greatest(-m.minor, 0)
FROM stage_wallet s CROSS JOIN LATERAL (SELECT (s.balance * $1)::bigint AS minor) m
ON CONFLICT (legacy_id) DO UPDATE SET
    digest = EXCLUDED.digest, opened = EXCLUDED.opened, owed = EXCLUDED.owed"""


async def system_wallet(run: Run, kind: WalletType) -> tuple[int, str, int]:
    """(id, account number, balance) of the currency's ``kind`` system wallet, made if
    missing (in the step's transaction)."""
    conn = run.tekana.wallet
    found = await conn.fetchrow(
        "SELECT id, account_number, balance FROM wallet WHERE type = $1 AND currency = $2"
        " FOR UPDATE",
        kind.value,
        run.currency,
    )
    if found is None:
        found = await one(
            conn,
            "INSERT INTO wallet (account_number, owner_id, type, currency, status, balance,"
            " created_at) VALUES ($1, NULL, $2, $3, 'active', 0, now())"
            " RETURNING id, account_number, balance",
            new_account_number(),
            kind.value,
            run.currency,
        )
    return found["id"], found["account_number"], found["balance"]


async def import_wallets(run: Run) -> None:
    report, target = run.report, run.tekana.wallet
    async with run.step(target, "wallets"):
        await target.execute(_STATE)
        await target.execute(_STAGE)
        await pipe(run.legacy.customer_ids, "SELECT id FROM customer", target, "stage_customer_id")
        report.totals["legacy_wallets"] = await run.load(
            run.legacy.wallet, "wallet", _LEGACY, target, "stage_wallet"
        )
        await staged(target, "stage_customer_id")
        incoming = await staged(target, "stage_wallet")
        await target.execute(_OPENINGS, run.scale)
        async with bulk(target, "wallet", incoming):
            written = await one(target, _UPSERT, run.currency, run.scale)
        migration, migration_acc, migration_balance = await system_wallet(run, WalletType.MIGRATION)
        receivable, receivable_acc, receivable_balance = await system_wallet(
            run, WalletType.RECEIVABLE
        )
        await target.execute(_MOVES, receivable, receivable_acc)
        async with bulk(target, "ledger_entry", 2 * await staged(target, "move")):
            await target.execute(
                _ENTRIES, migration, migration_balance, migration_acc, receivable_balance
            )
        await target.execute(_TRANSFERS, migration_acc, run.currency)
        await target.execute(
            "UPDATE wallet w SET balance = w.balance + o.d_open FROM opening o"
            " WHERE w.legacy_id = o.legacy_id AND o.existed AND o.d_open <> 0"
        )
        await target.execute(
            "UPDATE wallet SET balance = balance - (SELECT coalesce(sum(d), 0) FROM move)"
            " WHERE id = $1",
            migration,
        )
        await target.execute(
            "UPDATE wallet SET balance = balance"
            " + (SELECT coalesce(sum(d), 0) FROM move WHERE part = 1) WHERE id = $1",
            receivable,
        )
        booked = await one(target, "SELECT count(*) AS moves FROM move")
        await target.execute(_REMEMBER, run.scale)
        report.changed(
            "wallets",
            new=written["new"],
            updated=written["updated"],
            bookings=booked["moves"],
        )
        await _anomalies(run)
        report.totals["imported_wallets"] = await target.fetchval(
            "SELECT count(*) FROM wallet WHERE legacy_id IS NOT NULL"
        )


async def _anomalies(run: Run) -> None:
    async for row in run.tekana.wallet.cursor(
        f"""SELECT s.id, s.acc, {run.minor("s.balance")} AS minor, c.id IS NULL AS orphan,
                   s.deleted_at IS NOT NULL AS deleted
            FROM stage_wallet s LEFT JOIN stage_customer_id c ON c.id = s.customer_id
            WHERE s.balance < 0 OR c.id IS NULL OR s.deleted_at IS NOT NULL
            ORDER BY s.id"""
    ):
        legacy_id, account, minor = row["id"], row["acc"], row["minor"]
        if minor < 0:
            run.report.anomaly(
                "negative_balance", "wallet", legacy_id, account=account, amount_minor=minor
            )
        if row["orphan"]:
            run.report.anomaly(
                "orphan_wallet", "wallet", legacy_id, account=account, amount_minor=minor
            )
        if row["deleted"]:
            run.report.anomaly(
                "soft_deleted", "wallet", legacy_id, account=account, amount_minor=minor
            )
