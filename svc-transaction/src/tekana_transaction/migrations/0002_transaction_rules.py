"""Closed sets, positive amounts, and the indexes history pages and recovery read by."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("transaction", "0001_initial")]

    operations = [
        ops.RunSQL(
            [
                """ALTER TABLE "transaction"
                   ADD CONSTRAINT transaction_kind_ck CHECK (kind IN ('transfer', 'deposit')),
                   ADD CONSTRAINT transaction_status_ck
                       CHECK (status IN ('pending', 'completed', 'failed')),
                   ADD CONSTRAINT transaction_amount_positive_ck CHECK (amount > 0),
                   ADD CONSTRAINT transaction_completed_at_ck
                       CHECK ((status = 'pending') = (completed_at IS NULL))""",
                'CREATE INDEX transaction_sender_seq_idx ON "transaction" (sender_account, seq)',
                'CREATE INDEX transaction_receiver_seq_idx ON "transaction" (receiver_account, seq)',
                """CREATE INDEX transaction_pending_idx ON "transaction" (created_at)
                   WHERE status = 'pending'""",
            ],
            reverse_sql=[
                "DROP INDEX transaction_pending_idx",
                "DROP INDEX transaction_receiver_seq_idx",
                "DROP INDEX transaction_sender_seq_idx",
                'ALTER TABLE "transaction" DROP CONSTRAINT transaction_kind_ck,'
                " DROP CONSTRAINT transaction_status_ck,"
                " DROP CONSTRAINT transaction_amount_positive_ck,"
                " DROP CONSTRAINT transaction_completed_at_ck",
            ],
        ),
    ]
