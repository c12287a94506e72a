"""``apply_transfer``: a whole transfer in one call, so the hot path is one round trip.

It claims the transfer id (a replay returns the recorded outcome), locks both wallets in id
order, refuses by the ledger's rules (recording the refusal, so replays repeat it), else moves
the money and writes both entries. The rules are those of ``tekana_wallet.domain.Refusal``;
the codes it returns are that enum's values.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

APPLY_TRANSFER = """
CREATE FUNCTION apply_transfer(
    p_transfer_id uuid, p_from text, p_to text, p_amount bigint, p_currency text,
    OUT status text, OUT failure_code text
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
                              counterparty_account, created_at)
    VALUES (sender.id, p_transfer_id, 'debit', p_amount, sender.balance,
            receiver.account_number, now()),
           (receiver.id, p_transfer_id, 'credit', p_amount, receiver.balance,
            sender.account_number, now());
    status := 'completed';
    failure_code := NULL;
END $$
"""


class Migration(migrations.Migration):
    dependencies = [("wallet", "0003_wallet_idempotency_key")]

    operations = [
        ops.RunSQL(
            [APPLY_TRANSFER],
            reverse_sql=["DROP FUNCTION apply_transfer(uuid, text, text, bigint, text)"],
        )
    ]
