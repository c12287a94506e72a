"""The old system's activity beside Tekana's ledger (docs/cutover.md):

- ``legacy_activity``: the old ``wallet_activity_log`` rows of each imported wallet, kept as
  they were (any amount, in minor units; no balance after, which the old system never
  kept): history to read, never entries of the ledger, whose balances they do not make;
- ``ledger_entry.reference``: the integer the legacy wallet page shows for an entry (the
  transaction's legacy id, or a legacy deposit's client reference), given by the transfer.
  ``apply_transfer`` and ``apply_transfers`` take it; callers that do not pass it store none
  (NULL). The import stores 0 on the entries that open a wallet, which the legacy page
  leaves out (the old system had no such row).
  They also refuse the migration and receivable wallets, which only the import writes.
"""

from importlib import import_module

from tortoise import migrations
from tortoise.migrations import operations as ops

# The functions this replaces, to put back on the way down.
_BEFORE = [
    import_module(f"tekana_wallet.migrations.{name}")
    for name in ("0004_apply_transfer_function", "0005_apply_transfers_function")
]

APPLY_TRANSFER = """
CREATE FUNCTION apply_transfer(
    p_transfer_id uuid, p_from text, p_to text, p_amount bigint, p_currency text,
    p_reference bigint, OUT status text, OUT failure_code text
) LANGUAGE plpgsql AS $$
DECLARE
    sender wallet%ROWTYPE;
    receiver wallet%ROWTYPE;
    refusal text;
    balance_max CONSTANT bigint := 9223372036854775807;
BEGIN
    INSERT INTO transfer (transfer_id, from_account, to_account, amount, currency, status,
                          created_at)
    VALUES (p_transfer_id, p_from, p_to, p_amount, p_currency, 'completed', now())
    ON CONFLICT (transfer_id) DO NOTHING;
    IF NOT FOUND THEN
        -- A twin claimed it first; the conflicting insert waited for its commit.
        SELECT t.status, t.failure_code INTO status, failure_code
        FROM transfer t WHERE t.transfer_id = p_transfer_id;
        RETURN;
    END IF;
    PERFORM 1 FROM wallet w WHERE w.account_number IN (p_from, p_to) ORDER BY w.id FOR UPDATE;
    SELECT * INTO sender FROM wallet w WHERE w.account_number = p_from;
    SELECT * INTO receiver FROM wallet w WHERE w.account_number = p_to;
    refusal := CASE
        WHEN p_from = p_to THEN 'same_wallet'
        WHEN sender.id IS NULL THEN 'sender_wallet_not_found'
        WHEN receiver.id IS NULL THEN 'receiver_wallet_not_found'
        WHEN 'frozen' IN (sender.status, receiver.status) THEN 'wallet_inactive'
        -- Only the import writes to these (it books openings itself, not through here).
        WHEN sender.type IN ('migration', 'receivable')
            OR receiver.type IN ('migration', 'receivable') THEN 'wallet_inactive'
        WHEN sender.currency <> receiver.currency OR sender.currency <> p_currency
            THEN 'currency_mismatch'
        -- The funding wallet is the one wallet allowed below zero: it issues deposits.
        WHEN sender.type <> 'funding' AND sender.balance < p_amount THEN 'insufficient_funds'
        WHEN receiver.balance > balance_max - p_amount
            OR sender.balance < p_amount - balance_max THEN 'balance_limit_exceeded'
    END;
    IF refusal IS NOT NULL THEN
        UPDATE transfer t SET status = 'failed', failure_code = refusal
        WHERE t.transfer_id = p_transfer_id;
        status := 'failed';
        failure_code := refusal;
        RETURN;
    END IF;
    UPDATE wallet w SET balance = w.balance - p_amount WHERE w.id = sender.id
    RETURNING w.balance INTO sender.balance;
    UPDATE wallet w SET balance = w.balance + p_amount WHERE w.id = receiver.id
    RETURNING w.balance INTO receiver.balance;
    INSERT INTO ledger_entry (wallet_id, transfer_id, direction, amount, balance_after,
                              counterparty_account, reference, created_at)
    VALUES (sender.id, p_transfer_id, 'debit', p_amount, sender.balance,
            receiver.account_number, nullif(p_reference, 0), now()),
           (receiver.id, p_transfer_id, 'credit', p_amount, receiver.balance,
            sender.account_number, nullif(p_reference, 0), now());
    status := 'completed';
    failure_code := NULL;
END $$
"""

APPLY_TRANSFERS = """
CREATE FUNCTION apply_transfers(
    p_transfer_ids uuid[], p_from text[], p_to text[], p_amounts bigint[], p_currencies text[],
    p_references bigint[] DEFAULT NULL
) RETURNS TABLE (transfer_id uuid, status text, failure_code text)
LANGUAGE plpgsql AS $$
DECLARE
    i integer;
    outcome record;
BEGIN
    PERFORM 1 FROM wallet w WHERE w.account_number = ANY (p_from || p_to)
    ORDER BY w.id FOR UPDATE;
    FOR i IN 1 .. coalesce(array_length(p_transfer_ids, 1), 0) LOOP
        SELECT * INTO outcome
        FROM apply_transfer(p_transfer_ids[i], p_from[i], p_to[i], p_amounts[i],
                            p_currencies[i], p_references[i]);
        transfer_id := p_transfer_ids[i];
        status := outcome.status;
        failure_code := outcome.failure_code;
        RETURN NEXT;
    END LOOP;
END $$
"""

LEGACY_ACTIVITY = """
CREATE TABLE legacy_activity (
    id bigint PRIMARY KEY,
    -- No foreign key: wallets are never deleted, and checking one per row (and locking the
    -- wallet) would cost the import most of its time.
    wallet_id bigint NOT NULL,
    transaction_id bigint NOT NULL,
    direction varchar(6) NOT NULL CHECK (direction IN ('debit', 'credit')),
    amount bigint NOT NULL,
    created_at timestamptz NOT NULL,
    deleted_at timestamptz
)"""


class Migration(migrations.Migration):
    dependencies = [("wallet", "0006_legacy_wallets")]

    initial = False

    operations = [
        ops.RunSQL(
            [
                "ALTER TABLE ledger_entry ADD COLUMN reference bigint",
                LEGACY_ACTIVITY,
                "CREATE INDEX legacy_activity_wallet_newest_idx ON legacy_activity"
                " (wallet_id, id DESC)",
                # The import matches the old transactions to their rows by it.
                "CREATE INDEX legacy_activity_transaction_idx ON legacy_activity (transaction_id)",
                "DROP FUNCTION apply_transfers(uuid[], text[], text[], bigint[], text[])",
                "DROP FUNCTION apply_transfer(uuid, text, text, bigint, text)",
                APPLY_TRANSFER,
                APPLY_TRANSFERS,
            ],
            reverse_sql=[
                "DROP FUNCTION apply_transfers(uuid[], text[], text[], bigint[], text[], bigint[])",
                "DROP FUNCTION apply_transfer(uuid, text, text, bigint, text, bigint)",
                "DROP TABLE legacy_activity",
                "ALTER TABLE ledger_entry DROP COLUMN reference",
                _BEFORE[0].APPLY_TRANSFER,
                _BEFORE[1].APPLY_TRANSFERS,
            ],
        ),
    ]
