from tortoise import fields, migrations
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint


class Migration(migrations.Migration):
    dependencies = [("wallet", "0002_ledger_rules")]

    initial = False

    operations = [
        ops.AddField(
            model_name="WalletRow",
            name="idempotency_key",
            field=fields.CharField(null=True, max_length=128),
        ),
        ops.AddConstraint(
            model_name="WalletRow",
            constraint=UniqueConstraint(fields=("owner_id", "idempotency_key"), name=None),
        ),
    ]
