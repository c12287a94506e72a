"""The old system's history beside Tekana's (docs/cutover.md):

- ``legacy_id``: every movement's integer id, which the legacy surface answers. Imported
  transactions keep theirs; new ones take the next of a sequence the import moves above
  the highest imported;
- ``client_reference``: the integer ``transactionId`` a legacy deposit named, which the old
  wallet page showed for it;
- ``imported``: a row copied from the old system, read-only. The old data holds zero,
  negative and self transfers, and knows no initiator or request; the rules for new rows
  stay as they were;
- ``opening``: the movement that opened an imported wallet at its old balance. It has no
  legacy id: the old system never showed it, and the old system's ids still grow while
  imports are rehearsed before the switch.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("transaction", "0003_two_accounts")]

    initial = False

    operations = [
        ops.AddField(
            model_name="TransactionRow",
            name="client_reference",
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name="TransactionRow",
            name="imported",
            field=fields.BooleanField(default=False),
        ),
        ops.AlterField(
            model_name="TransactionRow",
            name="initiator_id",
            field=fields.BigIntField(null=True),
        ),
        ops.AlterField(
            model_name="TransactionRow",
            name="request_fingerprint",
            field=fields.CharField(max_length=64, null=True),
        ),
        ops.RunSQL(
            [
                'ALTER TABLE "transaction" ALTER COLUMN imported SET DEFAULT false',
                "CREATE SEQUENCE transaction_legacy_id_seq AS bigint",
                # Rows from before get theirs in the order they are stored.
                """ALTER TABLE "transaction"
                   ADD COLUMN legacy_id bigint DEFAULT nextval('transaction_legacy_id_seq')""",
                'ALTER SEQUENCE transaction_legacy_id_seq OWNED BY "transaction".legacy_id',
                'CREATE UNIQUE INDEX transaction_legacy_id_uq ON "transaction" (legacy_id)',
                """ALTER TABLE "transaction"
                   DROP CONSTRAINT transaction_kind_ck,
                   DROP CONSTRAINT transaction_amount_positive_ck,
                   DROP CONSTRAINT transaction_two_accounts_ck,
                   ADD CONSTRAINT transaction_kind_ck
                       CHECK (kind IN ('transfer', 'deposit', 'opening')),
                   ADD CONSTRAINT transaction_amount_positive_ck CHECK (imported OR amount > 0),
                   ADD CONSTRAINT transaction_two_accounts_ck
                       CHECK (imported OR sender_account <> receiver_account),
                   ADD CONSTRAINT transaction_new_rows_ck CHECK (imported OR kind = 'opening'
                       OR (initiator_id IS NOT NULL AND request_fingerprint IS NOT NULL)),
                   ADD CONSTRAINT transaction_legacy_id_ck
                       CHECK ((legacy_id IS NULL) = (kind = 'opening'))""",
            ],
            reverse_sql=[
                """ALTER TABLE "transaction"
                   DROP CONSTRAINT transaction_legacy_id_ck,
                   DROP CONSTRAINT transaction_new_rows_ck,
                   DROP CONSTRAINT transaction_kind_ck,
                   DROP CONSTRAINT transaction_amount_positive_ck,
                   DROP CONSTRAINT transaction_two_accounts_ck,
                   ADD CONSTRAINT transaction_kind_ck CHECK (kind IN ('transfer', 'deposit')),
                   ADD CONSTRAINT transaction_amount_positive_ck CHECK (amount > 0),
                   ADD CONSTRAINT transaction_two_accounts_ck
                       CHECK (sender_account <> receiver_account)""",
                'ALTER TABLE "transaction" DROP COLUMN legacy_id',
            ],
        ),
    ]
