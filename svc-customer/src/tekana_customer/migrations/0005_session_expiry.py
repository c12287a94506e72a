"""Indexes for the session housekeeping: ended sessions are deleted once no token of
theirs can be valid, and recent revocation points are read when they are republished."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("customer", "0004_national_id_encrypted")]

    initial = False

    operations = [
        ops.RunSQL(
            [
                "CREATE INDEX session_expires_idx ON session (expires_at)",
                "CREATE INDEX customer_tokens_valid_after_idx ON customer (tokens_valid_after)"
                " WHERE tokens_valid_after IS NOT NULL",
            ],
            reverse_sql=[
                "DROP INDEX customer_tokens_valid_after_idx",
                "DROP INDEX session_expires_idx",
            ],
        ),
    ]
