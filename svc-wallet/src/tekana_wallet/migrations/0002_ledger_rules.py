"""The ledger's rules, enforced by the database whatever the code does:

- customer wallets never go negative; only funding wallets may (they issue deposits);
- one funding wallet per currency;
- ledger entries are append-only, positive, and a transfer has at most one debit and one credit;
- every status and direction is one of a closed set.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("wallet", "0001_initial")]

    operations = [
        ops.RunSQL(
            [
                """ALTER TABLE wallet
                   ADD CONSTRAINT wallet_balance_non_negative_ck
                       CHECK (type = 'funding' OR balance >= 0),
                   ADD CONSTRAINT wallet_type_ck
                       CHECK (type IN ('saving', 'personal', 'loan', 'funding')),
                   ADD CONSTRAINT wallet_status_ck CHECK (status IN ('active', 'frozen')),
                   ADD CONSTRAINT wallet_owner_ck CHECK ((type = 'funding') = (owner_id IS NULL))""",
                "CREATE UNIQUE INDEX wallet_funding_per_currency_uq ON wallet (currency)"
                " WHERE type = 'funding'",
                """ALTER TABLE ledger_entry
                   ADD CONSTRAINT ledger_entry_amount_positive_ck CHECK (amount > 0),
                   ADD CONSTRAINT ledger_entry_direction_ck
                       CHECK (direction IN ('debit', 'credit'))""",
                "CREATE INDEX ledger_entry_wallet_newest_idx ON ledger_entry (wallet_id, id DESC)",
                """ALTER TABLE transfer
                   ADD CONSTRAINT transfer_status_ck CHECK (status IN ('completed', 'failed')),
                   ADD CONSTRAINT transfer_amount_positive_ck CHECK (amount > 0)""",
                """CREATE FUNCTION ledger_entry_append_only() RETURNS trigger
                   LANGUAGE plpgsql AS $$
                   BEGIN
                       RAISE EXCEPTION 'ledger entries are append-only (% refused)', TG_OP;
                   END $$""",
                """CREATE TRIGGER ledger_entry_append_only_tr
                   BEFORE UPDATE OR DELETE ON ledger_entry
                   FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only()""",
                """CREATE TRIGGER ledger_entry_no_truncate_tr
                   BEFORE TRUNCATE ON ledger_entry
                   FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_append_only()""",
            ],
            reverse_sql=[
                "DROP TRIGGER ledger_entry_no_truncate_tr ON ledger_entry",
                "DROP TRIGGER ledger_entry_append_only_tr ON ledger_entry",
                "DROP FUNCTION ledger_entry_append_only()",
                "ALTER TABLE transfer DROP CONSTRAINT transfer_status_ck,"
                " DROP CONSTRAINT transfer_amount_positive_ck",
                "DROP INDEX ledger_entry_wallet_newest_idx",
                "ALTER TABLE ledger_entry DROP CONSTRAINT ledger_entry_amount_positive_ck,"
                " DROP CONSTRAINT ledger_entry_direction_ck",
                "DROP INDEX wallet_funding_per_currency_uq",
                "ALTER TABLE wallet DROP CONSTRAINT wallet_balance_non_negative_ck,"
                " DROP CONSTRAINT wallet_type_ck, DROP CONSTRAINT wallet_status_ck,"
                " DROP CONSTRAINT wallet_owner_ck",
            ],
        ),
    ]
