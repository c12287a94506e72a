"""What wallets imported from the old system need (docs/cutover.md):

- account numbers of the old format (``200-<customer id>-<milliseconds>``, up to 25
  characters) beside the 16-digit ones;
- ``legacy_id`` (the old wallet's id, which the importer matches on) and ``imported_at``;
- two more system wallets per currency: ``migration``, the counterparty of every opening
  balance (it goes below zero by what the others received), and ``receivable``, which holds
  the deficits of wallets the old system let go negative;
- a wallet whose owner is missing in the old data is imported frozen and owned by no one.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

SYSTEM_TYPES = "('funding', 'migration', 'receivable')"


class Migration(migrations.Migration):
    dependencies = [("wallet", "0005_apply_transfers_function")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="WalletRow",
            name="account_number",
            field=fields.CharField(unique=True, max_length=32),
        ),
        ops.AlterField(
            model_name="LedgerEntryRow",
            name="counterparty_account",
            field=fields.CharField(max_length=32),
        ),
        ops.AddField(
            model_name="WalletRow",
            name="legacy_id",
            field=fields.IntField(null=True, unique=True),
        ),
        ops.AddField(
            model_name="WalletRow",
            name="imported_at",
            field=fields.DatetimeField(null=True),
        ),
        ops.RunSQL(
            [
                f"""ALTER TABLE wallet
                   DROP CONSTRAINT wallet_balance_non_negative_ck,
                   DROP CONSTRAINT wallet_type_ck,
                   DROP CONSTRAINT wallet_owner_ck,
                   ADD CONSTRAINT wallet_balance_non_negative_ck
                       CHECK (type IN ('funding', 'migration') OR balance >= 0),
                   ADD CONSTRAINT wallet_type_ck CHECK (type IN
                       ('saving', 'personal', 'loan', 'funding', 'migration', 'receivable')),
                   ADD CONSTRAINT wallet_owner_ck CHECK (CASE
                       WHEN type IN {SYSTEM_TYPES} THEN owner_id IS NULL
                       ELSE owner_id IS NOT NULL OR (legacy_id IS NOT NULL AND status = 'frozen')
                   END)""",
                "DROP INDEX wallet_funding_per_currency_uq",
                "CREATE UNIQUE INDEX wallet_system_per_currency_uq ON wallet (type, currency)"
                f" WHERE type IN {SYSTEM_TYPES}",
            ],
            reverse_sql=[
                "DROP INDEX wallet_system_per_currency_uq",
                "CREATE UNIQUE INDEX wallet_funding_per_currency_uq ON wallet (currency)"
                " WHERE type = 'funding'",
                """ALTER TABLE wallet
                   DROP CONSTRAINT wallet_balance_non_negative_ck,
                   DROP CONSTRAINT wallet_type_ck,
                   DROP CONSTRAINT wallet_owner_ck,
                   ADD CONSTRAINT wallet_balance_non_negative_ck
                       CHECK (type = 'funding' OR balance >= 0),
                   ADD CONSTRAINT wallet_type_ck
                       CHECK (type IN ('saving', 'personal', 'loan', 'funding')),
                   ADD CONSTRAINT wallet_owner_ck CHECK ((type = 'funding') = (owner_id IS NULL))""",
            ],
        ),
    ]
