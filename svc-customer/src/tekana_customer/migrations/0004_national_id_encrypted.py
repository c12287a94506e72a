"""National ids encrypted at rest (expand): each row holds the AES-256-GCM ciphertext and
the version of the key that sealed it. Rows from before keep their plain value until
``python -m tekana_customer reencrypt-national-ids`` seals them; a later migration drops
the plain column (contract) once no deployment has any left."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("customer", "0003_sessions")]

    initial = False

    operations = [
        ops.AlterField(
            model_name="CustomerRow",
            name="national_id",
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AddField(
            model_name="CustomerRow",
            name="national_id_cipher",
            field=fields.BinaryField(null=True),
        ),
        ops.AddField(
            model_name="CustomerRow",
            name="national_id_key",
            field=fields.SmallIntField(null=True),
        ),
        ops.RunSQL(
            [
                # Either the plain value (a row from before) or a sealed one, never both.
                "ALTER TABLE customer ADD CONSTRAINT customer_national_id_sealed_ck CHECK ("
                " (national_id IS NULL)"
                " = (national_id_cipher IS NOT NULL AND national_id_key IS NOT NULL))",
            ],
            reverse_sql=["ALTER TABLE customer DROP CONSTRAINT customer_national_id_sealed_ck"],
        ),
    ]
