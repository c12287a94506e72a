"""``apply_transfers``: several transfers in one call and one database transaction, each by
``apply_transfer`` (migration 0004). Every wallet the batch touches is locked first, in id
order, so batches and single transfers never wait on each other in a cycle."""

from tortoise import migrations
from tortoise.migrations import operations as ops

APPLY_TRANSFERS = """
CREATE FUNCTION apply_transfers(
    p_transfer_ids uuid[], p_from text[], p_to text[], p_amounts bigint[], p_currencies text[]
) RETURNS TABLE (transfer_id uuid, status text, failure_code text)
LANGUAGE plpgsql AS $$
DECLARE
    i integer;
    outcome record;
BEGIN
    PERFORM 1 FROM wallet w WHERE w.account_number = ANY (p_from || p_to)
    ORDER BY w.id FOR UPDATE;
    FOR i IN 1 .. coalesce(array_length(p_transfer_ids, 1), 0) LOOP
        SELECT * INTO outcome
        FROM apply_transfer(p_transfer_ids[i], p_from[i], p_to[i], p_amounts[i],
                            p_currencies[i]);
        transfer_id := p_transfer_ids[i];
        status := outcome.status;
        failure_code := outcome.failure_code;
        RETURN NEXT;
    END LOOP;
END $$
"""


class Migration(migrations.Migration):
    dependencies = [("wallet", "0004_apply_transfer_function")]

    operations = [
        ops.RunSQL(
            [APPLY_TRANSFERS],
            reverse_sql=["DROP FUNCTION apply_transfers(uuid[], text[], text[], bigint[], text[])"],
        )
    ]
