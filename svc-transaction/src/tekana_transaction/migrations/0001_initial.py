from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="TransactionRow",
            fields=[
                (
                    "seq",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("id", fields.UUIDField(unique=True)),
                ("kind", fields.CharField(max_length=16)),
                ("sender_account", fields.CharField(max_length=32)),
                ("receiver_account", fields.CharField(max_length=32)),
                ("amount", fields.BigIntField()),
                ("currency", fields.CharField(max_length=3)),
                ("status", fields.CharField(max_length=16)),
                ("failure_code", fields.CharField(null=True, max_length=32)),
                ("initiator_id", fields.BigIntField()),
                ("sender_owner_id", fields.BigIntField(null=True)),
                ("receiver_owner_id", fields.BigIntField(null=True)),
                ("idempotency_key", fields.CharField(null=True, max_length=128)),
                ("request_fingerprint", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                (
                    "completed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "transaction",
                "app": "transaction",
                "unique_together": (("initiator_id", "idempotency_key"),),
                "pk_attr": "seq",
            },
            bases=["Model"],
        ),
    ]
