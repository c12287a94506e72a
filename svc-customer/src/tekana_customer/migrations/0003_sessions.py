"""Sessions and their rotating refresh tokens (stored only as hashes), and what stops a
customer's tokens: disabled, and a revocation point (tokens issued at or before it fail)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("customer", "0002_customer_constraints")]

    initial = False

    operations = [
        ops.AddField(
            model_name="CustomerRow", name="disabled_at", field=fields.DatetimeField(null=True)
        ),
        ops.AddField(
            model_name="CustomerRow",
            name="tokens_valid_after",
            field=fields.DatetimeField(null=True),
        ),
        ops.CreateModel(
            name="SessionRow",
            fields=[
                ("id", fields.UUIDField(primary_key=True, unique=True, db_index=True)),
                (
                    "customer",
                    fields.ForeignKeyField(
                        "customer.CustomerRow",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("surface", fields.CharField(max_length=8)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("expires_at", fields.DatetimeField()),
                ("revoked_at", fields.DatetimeField(null=True)),
            ],
            options={"table": "session", "app": "customer", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="RefreshTokenRow",
            fields=[
                ("token_hash", fields.BinaryField(primary_key=True)),
                (
                    "session",
                    fields.ForeignKeyField(
                        "customer.SessionRow",
                        source_field="session_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="refresh_tokens",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("used_at", fields.DatetimeField(null=True)),
            ],
            options={"table": "refresh_token", "app": "customer", "pk_attr": "token_hash"},
            bases=["Model"],
        ),
        ops.RunSQL(
            [
                "ALTER TABLE session ADD CONSTRAINT session_surface_ck"
                " CHECK (surface IN ('v1', 'legacy'))",
                "CREATE INDEX session_customer_idx ON session (customer_id)",
                # Republishing revocations reads the recent ones.
                "CREATE INDEX session_revoked_idx ON session (revoked_at)"
                " WHERE revoked_at IS NOT NULL",
                "CREATE INDEX refresh_token_session_idx ON refresh_token (session_id)",
            ],
            reverse_sql=[
                "DROP INDEX refresh_token_session_idx",
                "DROP INDEX session_revoked_idx",
                "DROP INDEX session_customer_idx",
                "ALTER TABLE session DROP CONSTRAINT session_surface_ck",
            ],
        ),
    ]
