from uuid import uuid4

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="TransferRow",
            fields=[
                (
                    "transfer_id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                ("from_account", fields.CharField(max_length=32)),
                ("to_account", fields.CharField(max_length=32)),
                ("amount", fields.BigIntField()),
                ("currency", fields.CharField(max_length=3)),
                ("status", fields.CharField(max_length=16)),
                ("failure_code", fields.CharField(null=True, max_length=32)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "transfer",
                "app": "wallet",
                "pk_attr": "transfer_id",
                "table_description": "The ledger's record of each ApplyTransfer, so a replay returns the first outcome.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="WalletRow",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("account_number", fields.CharField(unique=True, max_length=16)),
                ("owner_id", fields.BigIntField(null=True, db_index=True)),
                ("type", fields.CharField(max_length=16)),
                ("currency", fields.CharField(max_length=3)),
                ("status", fields.CharField(default="active", max_length=16)),
                ("balance", fields.BigIntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "wallet", "app": "wallet", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="LedgerEntryRow",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "wallet",
                    fields.ForeignKeyField(
                        "wallet.WalletRow",
                        source_field="wallet_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="entries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("transfer_id", fields.UUIDField()),
                ("direction", fields.CharField(max_length=6)),
                ("amount", fields.BigIntField()),
                ("balance_after", fields.BigIntField()),
                ("counterparty_account", fields.CharField(max_length=16)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "ledger_entry",
                "app": "wallet",
                "unique_together": (("transfer_id", "direction"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
