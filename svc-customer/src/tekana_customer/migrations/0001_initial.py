from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="CustomerRow",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("email", fields.CharField(max_length=254)),
                ("password_hash", fields.CharField(max_length=255)),
                ("full_name", fields.CharField(max_length=100)),
                ("national_id", fields.CharField(max_length=32)),
                ("gender", fields.CharField(max_length=1)),
                ("is_admin", fields.BooleanField(default=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "customer", "app": "customer", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
