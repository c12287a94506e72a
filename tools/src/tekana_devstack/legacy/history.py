"""History: the old activity log beside the ledger, the old transactions with their integer
ids and statuses, and a transaction record for each opening booked by ``wallets``.

Activity rows are kept as they were (read-only, ``legacy_activity``); a row without a
wallet, an amount or an action is not kept. A transaction is matched with its rows (the
sender's debit, the receiver's credit: deposit ids share the namespace), which decide a
pending one's outcome. A soft-deleted transaction, which the old system hid, is reported
and not imported."""

from tekana_devstack.legacy.context import STATE_SCHEMA, Run, bulk, one, staged
from tekana_devstack.legacy.piping import pipe

_ACTIVITY_STAGE = """
CREATE TEMP TABLE stage_activity (
    id integer, transaction_id integer, amount numeric, action text, wallet_id integer,
    created_at timestamp, deleted_at timestamptz
) ON COMMIT DROP"""

_ACTIVITY_LEGACY = """
SELECT id, "transactionId", amount, action::text, "walletId", created_at, deleted_at
FROM wallet_activity_log"""

_ACTIVITY_INSERT = """
    INSERT INTO legacy_activity AS a (id, wallet_id, transaction_id, direction, amount,
                                      created_at, deleted_at)
    SELECT s.id, w.id, s.transaction_id, s.action, (s.amount * $1)::bigint,
           s.created_at AT TIME ZONE 'UTC', s.deleted_at
    FROM stage_activity s JOIN wallet w ON w.legacy_id = s.wallet_id
    WHERE s.action IS NOT NULL AND s.amount IS NOT NULL"""

# A later run: rows already kept are compared, and rewritten only if the old system changed
# them (the first run, into an empty table, is the plain insert above).
_ACTIVITY_UPSERT = f"""
WITH written AS ({_ACTIVITY_INSERT}
    ON CONFLICT (id) DO UPDATE SET
        wallet_id = EXCLUDED.wallet_id, transaction_id = EXCLUDED.transaction_id,
        direction = EXCLUDED.direction, amount = EXCLUDED.amount,
        created_at = EXCLUDED.created_at, deleted_at = EXCLUDED.deleted_at
    WHERE (a.wallet_id, a.transaction_id, a.direction, a.amount, a.created_at, a.deleted_at)
          IS DISTINCT FROM (EXCLUDED.wallet_id, EXCLUDED.transaction_id, EXCLUDED.direction,
                            EXCLUDED.amount, EXCLUDED.created_at, EXCLUDED.deleted_at)
    RETURNING xmax = 0 AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS new, count(*) FILTER (WHERE NOT inserted) AS updated
FROM written"""

# Balances that disagree with their own log (the log as kept: orphans had no effect).
_MISMATCH = f"""
SELECT w.legacy_id, w.account_number, st.opened - st.owed AS balance,
       (st.opened - st.owed - coalesce(a.total, 0))::bigint AS difference
FROM {STATE_SCHEMA}.wallet st JOIN wallet w ON w.legacy_id = st.legacy_id
LEFT JOIN (SELECT wallet_id,
                  sum(CASE direction WHEN 'credit' THEN amount ELSE -amount END) AS total
           FROM legacy_activity GROUP BY wallet_id) a ON a.wallet_id = w.id
WHERE st.opened - st.owed <> coalesce(a.total, 0)
ORDER BY w.legacy_id"""

_TX_STAGE = """
CREATE TEMP TABLE stage_tx (
    id integer, amount numeric, status text, sender text, receiver text,
    created_at timestamp, updated_at timestamp, deleted_at timestamptz
) ON COMMIT DROP"""

_TX_LEGACY = """
SELECT id, amount, status::text, "senderAcc", "receiverAcc", created_at, updated_at, deleted_at
FROM transaction"""

# In the wallet database, each transaction with its owners and which of its rows exist (in
# hash joins over the whole log: a lookup per transaction costs several times more).
_TX_MATCHED = """
SELECT t.id, (t.amount * {scale})::bigint, coalesce(t.status, 'pending'), t.sender, t.receiver,
       t.created_at AT TIME ZONE 'UTC', t.updated_at AT TIME ZONE 'UTC', t.deleted_at,
       sw.owner_id, rw.owner_id, d.transaction_id IS NOT NULL, c.transaction_id IS NOT NULL
FROM stage_tx t
LEFT JOIN wallet sw ON sw.account_number = t.sender
LEFT JOIN wallet rw ON rw.account_number = t.receiver
LEFT JOIN (SELECT DISTINCT transaction_id, wallet_id FROM legacy_activity
           WHERE direction = 'debit') d ON d.transaction_id = t.id AND d.wallet_id = sw.id
LEFT JOIN (SELECT DISTINCT transaction_id, wallet_id FROM legacy_activity
           WHERE direction = 'credit') c ON c.transaction_id = t.id AND c.wallet_id = rw.id"""

_TX_TARGET_STAGE = """
CREATE TEMP TABLE stage_tx (
    id integer, amount bigint, status text, sender text, receiver text, created_at timestamptz,
    updated_at timestamptz, deleted_at timestamptz, sender_owner bigint, receiver_owner bigint,
    has_debit boolean, has_credit boolean
) ON COMMIT DROP"""

# Ids derived from the legacy id, the same on every run, and in its order (an index grows
# at its end instead of everywhere).
_TX_INSERT = """
    INSERT INTO "transaction" AS x (id, kind, sender_account, receiver_account, amount,
        currency, status, initiator_id, sender_owner_id, receiver_owner_id, created_at,
        completed_at, legacy_id, imported)
    SELECT (left(md5('tekana-legacy-transaction'), 20) || lpad(to_hex(s.id), 12, '0'))::uuid,
           'transfer', s.sender, s.receiver, s.amount, $1,
           CASE WHEN s.status <> 'pending' THEN s.status
                WHEN s.has_debit AND s.has_credit THEN 'completed' ELSE 'failed' END,
           NULL, s.sender_owner, s.receiver_owner, s.created_at,
           coalesce(s.updated_at, s.created_at), s.id, true
    FROM stage_tx s
    WHERE s.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM "transaction" t WHERE t.legacy_id = s.id AND NOT t.imported)"""

_TX_UPSERT = f"""
WITH written AS ({_TX_INSERT}
    ON CONFLICT (legacy_id) DO UPDATE SET
        sender_account = EXCLUDED.sender_account, receiver_account = EXCLUDED.receiver_account,
        amount = EXCLUDED.amount, status = EXCLUDED.status,
        sender_owner_id = EXCLUDED.sender_owner_id,
        receiver_owner_id = EXCLUDED.receiver_owner_id, completed_at = EXCLUDED.completed_at
    WHERE x.imported AND (x.sender_account, x.receiver_account, x.amount, x.status,
                          x.sender_owner_id, x.receiver_owner_id, x.completed_at)
        IS DISTINCT FROM (EXCLUDED.sender_account, EXCLUDED.receiver_account, EXCLUDED.amount,
                          EXCLUDED.status, EXCLUDED.sender_owner_id,
                          EXCLUDED.receiver_owner_id, EXCLUDED.completed_at)
    RETURNING xmax = 0 AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS new, count(*) FILTER (WHERE NOT inserted) AS updated
FROM written"""

# The openings the ledger booked (wallets), each as a transaction its owner sees.
_OPENINGS_LEGACY = """
SELECT t.transfer_id, t.from_account, t.to_account, t.amount, t.currency, t.created_at,
       fw.owner_id, tw.owner_id
FROM transfer t
JOIN wallet fw ON fw.account_number = t.from_account
JOIN wallet tw ON tw.account_number = t.to_account
WHERE 'migration' IN (fw.type, tw.type)"""

_OPENINGS_STAGE = """
CREATE TEMP TABLE stage_opening (
    id uuid, sender text, receiver text, amount bigint, currency text, created_at timestamptz,
    sender_owner bigint, receiver_owner bigint
) ON COMMIT DROP"""

_OPENINGS_FIRST = """
    INSERT INTO "transaction" (id, kind, sender_account, receiver_account, amount, currency,
        status, sender_owner_id, receiver_owner_id, created_at, completed_at, legacy_id)
    SELECT id, 'opening', sender, receiver, amount, currency, 'completed', sender_owner,
           receiver_owner, created_at, created_at, NULL
    FROM stage_opening"""

# A later run: only the openings not recorded yet.
_OPENINGS_INSERT = f"""
WITH written AS ({_OPENINGS_FIRST}
    ON CONFLICT (id) DO NOTHING
    RETURNING 1
)
SELECT count(*) FROM written"""


async def import_activity(run: Run) -> None:
    report, target = run.report, run.tekana.wallet
    async with run.step(target, "activity"):
        await target.execute(_ACTIVITY_STAGE)
        report.totals["legacy_activity_rows"] = await run.load(
            run.legacy.wallet, "wallet_activity_log", _ACTIVITY_LEGACY, target, "stage_activity"
        )
        first = not await target.fetchval("SELECT EXISTS (SELECT 1 FROM legacy_activity)")
        incoming = await staged(target, "stage_activity")
        async with bulk(target, "legacy_activity", incoming, unique=first):
            if first:
                status = await target.execute(_ACTIVITY_INSERT, run.scale)
                new, updated = int(status.split()[-1]), 0
            else:
                written = await one(target, _ACTIVITY_UPSERT, run.scale)
                new, updated = written["new"], written["updated"]
        report.changed("activity", new=new, updated=updated)
        async for row in target.cursor(
            f"""SELECT s.id, {run.minor("s.amount")} AS minor, w.account_number,
                       w.id IS NULL OR s.action IS NULL OR s.amount IS NULL AS orphan,
                       s.deleted_at IS NOT NULL AS deleted
                FROM stage_activity s LEFT JOIN wallet w ON w.legacy_id = s.wallet_id
                WHERE w.id IS NULL OR s.action IS NULL OR s.amount IS NULL OR s.amount <= 0
                   OR s.deleted_at IS NOT NULL
                ORDER BY s.id"""
        ):
            args = ("wallet_activity_log", row["id"])
            shown = {"account": row["account_number"], "amount_minor": row["minor"]}
            if row["orphan"]:
                report.anomaly("orphan_activity", *args, **shown)
                continue
            if row["minor"] <= 0:
                report.anomaly("non_positive_amount", *args, **shown)
            if row["deleted"]:
                report.anomaly("soft_deleted", *args, **shown)
        report.totals["imported_activity_rows"] = await target.fetchval(
            "SELECT count(*) FROM legacy_activity"
        )
        async for row in target.cursor(_MISMATCH):
            report.anomaly(
                "balance_mismatch",
                "wallet",
                row["legacy_id"],
                account=row["account_number"],
                amount_minor=row["difference"],
            )


async def import_transactions(run: Run) -> None:
    report, wallets, target = run.report, run.tekana.wallet, run.tekana.transaction
    # The matching is read-only in the wallet database; its transaction only holds the stage.
    async with wallets.transaction():
        await wallets.execute(_TX_STAGE)
        report.totals["legacy_transactions"] = await run.load(
            run.legacy.transaction, "transaction", _TX_LEGACY, wallets, "stage_tx"
        )
        await staged(wallets, "stage_tx")
        async with run.step(target, "transactions"):
            await target.execute(_TX_TARGET_STAGE)
            await pipe(wallets, _TX_MATCHED.format(scale=run.scale), target, "stage_tx")
            # With them, a transaction for every opening the ledger booked (wallets).
            await target.execute(_OPENINGS_STAGE)
            await pipe(wallets, _OPENINGS_LEGACY, target, "stage_opening")
            first = not await target.fetchval(
                """SELECT EXISTS (SELECT 1 FROM "transaction"
                                  WHERE imported OR kind = 'opening')"""
            )
            incoming = await staged(target, "stage_tx") + await staged(target, "stage_opening")
            async with bulk(target, '"transaction"', incoming, unique=first):
                if first:
                    status = await target.execute(_TX_INSERT, run.currency)
                    new, updated = int(status.split()[-1]), 0
                    status = await target.execute(_OPENINGS_FIRST)
                    recorded = int(status.split()[-1])
                else:
                    written = await one(target, _TX_UPSERT, run.currency)
                    new, updated = written["new"], written["updated"]
                    recorded = await target.fetchval(_OPENINGS_INSERT)
            report.changed("transactions", new=new, updated=updated)
            report.changed("openings", recorded=recorded)
            await _transaction_anomalies(run)
            report.totals["imported_transactions"] = await target.fetchval(
                'SELECT count(*) FROM "transaction" WHERE imported'
            )
            if not run.dry_run:
                await target.execute(
                    "SELECT setval('transaction_legacy_id_seq', greatest("
                    ' (SELECT max(legacy_id) FROM "transaction"),'
                    " (SELECT last_value FROM transaction_legacy_id_seq)))"
                )
        await wallets.execute("DROP TABLE stage_tx")


async def _transaction_anomalies(run: Run) -> None:
    report = run.report
    async for row in run.tekana.transaction.cursor(
        """SELECT s.id, s.amount, s.status, s.sender, s.receiver, s.deleted_at IS NOT NULL
                  AS deleted, s.has_debit, s.has_credit, t.legacy_id IS NOT NULL AS taken
           FROM stage_tx s
           LEFT JOIN "transaction" t ON t.legacy_id = s.id AND NOT t.imported
           WHERE s.status = 'pending' OR s.has_debit <> s.has_credit OR s.amount <= 0
              OR s.sender = s.receiver OR s.deleted_at IS NOT NULL OR t.legacy_id IS NOT NULL
           ORDER BY s.id"""
    ):
        args = ("transaction", row["id"])
        shown = {"account": row["sender"], "amount_minor": row["amount"]}
        if row["taken"]:
            report.anomaly("legacy_id_taken", *args, **shown)
            report.failed(f"legacy transaction {row['id']}: its id is taken on Tekana")
        if row["deleted"]:
            report.anomaly("soft_deleted", *args, **shown)
        if row["status"] == "pending":
            report.anomaly("stuck_pending", *args, **shown)
        if row["has_debit"] != row["has_credit"]:
            report.anomaly("half_done_transfer", *args, **shown)
        if row["amount"] <= 0:
            report.anomaly("non_positive_amount", *args, **shown)
        if row["sender"] == row["receiver"]:
            report.anomaly("self_transfer", *args, **shown)
