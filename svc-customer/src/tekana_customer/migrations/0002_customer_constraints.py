"""Rules the ORM cannot state: e-mails unique case-insensitively, a closed set of genders.

Uniqueness lives in the database so concurrent registrations of one address give
exactly one row, whatever the application does.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("customer", "0001_initial")]

    operations = [
        ops.RunSQL(
            [
                'CREATE UNIQUE INDEX "customer_email_lower_uq" ON "customer" (lower("email"))',
                'ALTER TABLE "customer" ADD CONSTRAINT "customer_gender_ck" '
                "CHECK (\"gender\" IN ('M', 'F'))",
            ],
            reverse_sql=[
                'ALTER TABLE "customer" DROP CONSTRAINT "customer_gender_ck"',
                'DROP INDEX "customer_email_lower_uq"',
            ],
        ),
    ]
