"""The ledger's refusal codes are one list, the wallet service's ``Refusal``: the SQL function
that refuses transfers can answer exactly those, and the transaction service has an error,
with that code, for each."""

import re

import pytest
from tortoise import Tortoise

from tekana_transaction.domain import LEDGER_REFUSALS, refusal_error
from tekana_wallet.domain import Refusal

pytestmark = pytest.mark.usefixtures("wallet_database")


async def test_the_sql_function_refuses_with_exactly_the_listed_codes() -> None:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT pg_get_functiondef("
        "'apply_transfer(uuid, text, text, bigint, text, bigint)'::regprocedure) AS body"
    )
    body = rows[0]["body"]
    # The refusal is the CASE that names the failure code: THEN 'code'.
    answered = set(re.findall(r"THEN '([a-z_]+)'", body))
    assert answered == {refusal.value for refusal in Refusal}


def test_the_transaction_service_answers_each_code_with_its_own_error() -> None:
    assert set(LEDGER_REFUSALS) == {refusal.value for refusal in Refusal}
    for refusal in Refusal:
        assert refusal_error(refusal.value).code == refusal.value
