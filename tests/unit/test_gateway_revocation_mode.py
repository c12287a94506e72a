"""What the gateway does with tokens while it cannot follow the revocation list: a setting,
like the login limit's failure mode."""

import pytest

from tests.support.gateway import ANN, gateway_with_fakes
from tests.support.platform import free_port


@pytest.mark.parametrize(("fail_closed", "status"), [(False, 200), (True, 503)])
async def test_while_redis_is_unreachable_tokens_follow_the_setting(
    fail_closed: bool, status: int
) -> None:
    nowhere = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    async with gateway_with_fakes(redis_url=nowhere, revocation_fail_closed=fail_closed) as gw:
        await gw.client.post("/v1/customers", json=ANN)
        token = gw.token_for(1)
        me = await gw.client.get("/v1/customers/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status == status
        ready = await (await gw.client.get("/ready")).json()
        assert ready["revocations"] == "stale"
        if fail_closed:
            assert (await me.json())["code"] == "revocation_unavailable"
            assert me.headers["Retry-After"] == "1"
            # Requests without a token are not affected.
            assert (await gw.client.get("/health")).status == 200
