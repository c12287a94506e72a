"""Customers: kept with their legacy id, e-mail (as registration normalises it), name,
national id (sealed here, as the customer service seals), gender and bcrypt hash.

The rows pass through Python (the only step that does): the seal and the e-mail's form are
the services' own code. Of the e-mails equal once normalised, the lowest id of a customer
not soft-deleted (else the lowest) keeps the login; the others are kept with it off."""

import asyncpg

from tekana_customer.domain import email_key
from tekana_devstack.legacy.context import STATE_SCHEMA, Run, bulk, one, staged

BATCH = 5_000

_STATE = f"""
CREATE SCHEMA IF NOT EXISTS {STATE_SCHEMA};
CREATE TABLE IF NOT EXISTS {STATE_SCHEMA}.customer (
    legacy_id integer PRIMARY KEY,
    digest text NOT NULL,
    -- The legacy hash last imported: a changed one replaces Tekana's, an unchanged one
    -- leaves the argon2id hash a login made in its place.
    password text NOT NULL
)"""

_STAGE = """
CREATE TEMP TABLE stage_customer (
    id integer PRIMARY KEY, email text, email_key text, full_name text, cipher bytea,
    key_version smallint, gender text, password text, created_at timestamptz,
    deleted_at timestamptz, digest text
) ON COMMIT DROP"""

_LEGACY = """
SELECT id, email, "fullName", "nationalId", gender::text, password,
       created_at AT TIME ZONE 'UTC', deleted_at, md5(c::text)
FROM customer c ORDER BY id"""

# Who logs in with each e-mail; then the rows that differ from what was last imported.
_LOGINS = """
CREATE TEMP TABLE customer_login ON COMMIT DROP AS
SELECT s.id, s.id = k.id AS login, s.deleted_at IS NOT NULL AS deleted, s.email
FROM stage_customer s
JOIN (SELECT DISTINCT ON (email_key) email_key, id FROM stage_customer
      ORDER BY email_key, deleted_at IS NOT NULL, id) k USING (email_key)"""

_CHANGED = f"""
CREATE TEMP TABLE changed_customer ON COMMIT DROP AS
SELECT s.*, l.login, s.digest || l.login::text AS state_digest
FROM stage_customer s JOIN customer_login l USING (id)
LEFT JOIN {STATE_SCHEMA}.customer st ON st.legacy_id = s.id
WHERE st.legacy_id IS NULL OR st.digest <> s.digest || l.login::text"""

_UPSERT = f"""
WITH written AS (
INSERT INTO customer AS c (id, email, password_hash, full_name, national_id_cipher,
    national_id_key, gender, is_admin, created_at, disabled_at, imported_at, email_login)
SELECT id, email_key, password, full_name, cipher, key_version, gender, false, created_at,
       deleted_at, now(), login
FROM changed_customer
ON CONFLICT (id) DO UPDATE SET
    email = EXCLUDED.email, full_name = EXCLUDED.full_name,
    national_id_cipher = EXCLUDED.national_id_cipher,
    national_id_key = EXCLUDED.national_id_key, gender = EXCLUDED.gender,
    disabled_at = EXCLUDED.disabled_at, email_login = EXCLUDED.email_login,
    password_hash = CASE
        WHEN EXCLUDED.password_hash IS DISTINCT FROM
             (SELECT password FROM {STATE_SCHEMA}.customer WHERE legacy_id = c.id)
        THEN EXCLUDED.password_hash ELSE c.password_hash END
RETURNING xmax = 0 AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS new, count(*) FILTER (WHERE NOT inserted) AS updated
FROM written"""

_REMEMBER = f"""
INSERT INTO {STATE_SCHEMA}.customer (legacy_id, digest, password)
SELECT id, state_digest, password FROM changed_customer
ON CONFLICT (legacy_id) DO UPDATE SET digest = EXCLUDED.digest, password = EXCLUDED.password"""


async def check_room(run: Run) -> None:
    """Refuse to import over customers who registered on Tekana with ids the old system
    uses: an import goes into a Tekana that has none yet (create admins after it)."""
    highest = await run.legacy.customer.fetchval("SELECT max(id) FROM customer") or 0
    taken = await run.tekana.customer.fetchval(
        "SELECT count(*) FROM customer WHERE imported_at IS NULL AND id <= $1", highest
    )
    if taken:
        raise SystemExit(
            f"import-legacy: Tekana already has {taken} customer(s) of its own with ids up to"
            f" {highest}, which the old system's customers keep; import into a Tekana with no"
            " customers yet, and create administrators after the import"
        )


async def import_customers(run: Run) -> None:
    legacy, report = run.legacy.customer, run.report
    total = await legacy.fetchval("SELECT count(*) FROM customer")
    report.totals["legacy_customers"] = total
    async with run.step(run.tekana.customer, "customers") as target:
        await target.execute(_STATE)
        await target.execute(_STAGE)
        seen = 0
        run.progress.begin("customer")
        async with legacy.transaction(isolation="repeatable_read", readonly=True):
            batch: list[tuple[object, ...]] = []
            async for row in legacy.cursor(_LEGACY, prefetch=BATCH):
                batch.append(_staged(run, row))
                if len(batch) == BATCH:
                    seen += await _flush(target, batch)
                    run.progress.update("customer", seen, total)
            seen += await _flush(target, batch)
        run.progress.update("customer", seen, total, final=True)
        incoming = await staged(target, "stage_customer")
        await target.execute(_LOGINS)
        await target.execute(_CHANGED)
        await target.execute(
            "UPDATE customer c SET email_login = false FROM changed_customer s"
            " WHERE c.id = s.id AND NOT s.login"
        )
        async with bulk(target, "customer", incoming):
            written = await one(target, _UPSERT)
        await target.execute(_REMEMBER)
        report.changed("customers", new=written["new"], updated=written["updated"])
        async for row in target.cursor(
            "SELECT id, email, login, deleted FROM customer_login"
            " WHERE NOT login OR deleted ORDER BY id"
        ):
            if not row["login"]:
                report.anomaly("duplicate_email", "customer", row["id"], account=row["email"])
            if row["deleted"]:
                report.anomaly("soft_deleted", "customer", row["id"])
        report.totals["imported_customers"] = await target.fetchval(
            "SELECT count(*) FROM customer WHERE imported_at IS NOT NULL"
        )
        if not run.dry_run:
            # New customers get ids above every imported one (not transactional: last).
            await target.execute(
                "SELECT setval(pg_get_serial_sequence('customer', 'id'),"
                " greatest((SELECT max(id) FROM customer), 1))"
            )


def _staged(run: Run, row: asyncpg.Record) -> tuple[object, ...]:
    id_, email, name, national_id, gender, password, created, deleted, digest = row
    sealed = run.cipher.seal(id_, national_id)
    return (
        id_,
        email,
        email_key(email),
        name,
        sealed.blob,
        sealed.key_version,
        gender,
        password,
        created,
        deleted,
        digest,
    )


async def _flush(target: asyncpg.Connection, batch: list[tuple[object, ...]]) -> int:
    if not batch:
        return 0
    count = len(batch)
    await target.copy_records_to_table("stage_customer", records=batch)
    batch.clear()
    return count
