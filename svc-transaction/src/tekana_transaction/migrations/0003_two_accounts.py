"""A transaction moves money between two different accounts.

The service already refuses a transfer to the same wallet, and a deposit comes from the
funding wallet; the rule in the table lets a history page join its sender side and its
receiver side with UNION ALL, no row being on both.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("transaction", "0002_transaction_rules")]

    operations = [
        ops.RunSQL(
            [
                # NOT VALID then VALIDATE: rows already stored are checked without blocking
                # writes for the whole scan.
                """ALTER TABLE "transaction" ADD CONSTRAINT transaction_two_accounts_ck
                   CHECK (sender_account <> receiver_account) NOT VALID""",
                'ALTER TABLE "transaction" VALIDATE CONSTRAINT transaction_two_accounts_ck',
            ],
            reverse_sql=[
                'ALTER TABLE "transaction" DROP CONSTRAINT transaction_two_accounts_ck',
            ],
        ),
    ]
