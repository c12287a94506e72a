"""What customers imported from the old system need (docs/cutover.md):

- ``imported_at``: when the importer wrote the row, so imported customers can be told from
  those who registered here;
- ``email_login``: whether the e-mail logs in. The old system kept e-mails unique only
  case-sensitively; of those equal once normalised, the lowest id keeps its login and the
  others are imported with it off, so the unique index covers logging-in rows only;
- ``gender`` may be null, as the old column was.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("customer", "0005_session_expiry")]

    initial = False

    operations = [
        ops.AddField(
            model_name="CustomerRow",
            name="imported_at",
            field=fields.DatetimeField(null=True),
        ),
        ops.AddField(
            model_name="CustomerRow",
            name="email_login",
            field=fields.BooleanField(default=True),
        ),
        ops.AlterField(
            model_name="CustomerRow",
            name="gender",
            field=fields.CharField(max_length=1, null=True),
        ),
        ops.RunSQL(
            [
                # Rows written by SQL that does not name the column log in, as before.
                'ALTER TABLE "customer" ALTER COLUMN "email_login" SET DEFAULT true',
                'DROP INDEX "customer_email_lower_uq"',
                'CREATE UNIQUE INDEX "customer_email_lower_uq" ON "customer" (lower("email"))'
                ' WHERE "email_login"',
            ],
            reverse_sql=[
                'ALTER TABLE "customer" ALTER COLUMN "email_login" DROP DEFAULT',
                'DROP INDEX "customer_email_lower_uq"',
                'CREATE UNIQUE INDEX "customer_email_lower_uq" ON "customer" (lower("email"))',
            ],
        ),
    ]
