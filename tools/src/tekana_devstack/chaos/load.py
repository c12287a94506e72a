"""A steady transfer load that behaves like a careful client: every transfer has its own
Idempotency-Key, and a failed attempt is retried with the same key until it is acknowledged
or the client gives up. Everything it saw is kept for the verdict."""

import asyncio
import time
import uuid
from dataclasses import dataclass, field

import aiohttp

ATTEMPT_TIMEOUT_SECONDS = 5.0
ATTEMPTS = 20
RETRY_PAUSE_SECONDS = 0.25


@dataclass(frozen=True)
class Acknowledged:
    key: str
    customer_id: int
    transaction_id: str
    first_try: float  # monotonic seconds
    acknowledged: float
    pending: bool  # the legacy 202: accepted, finished later by recovery


@dataclass
class Observations:
    acknowledged: list[Acknowledged] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)  # (when, what)
    abandoned: list[str] = field(default_factory=list)  # keys given up on


@dataclass(frozen=True)
class Sender:
    customer_id: int
    token: str
    account: str


async def _attempt(
    session: aiohttp.ClientSession, sender: Sender, receiver: str, key: str
) -> tuple[str | None, bool, str]:
    """(transaction id or None, pending, what went wrong)."""
    try:
        async with session.post(
            "/transaction",
            json={"senderAcc": sender.account, "receiverAcc": receiver, "amount": 1},
            headers={"Authorization": f"Bearer {sender.token}", "Idempotency-Key": key},
            timeout=aiohttp.ClientTimeout(total=ATTEMPT_TIMEOUT_SECONDS),
        ) as response:
            body = await response.json(content_type=None)
    except TimeoutError:
        return None, False, "client timeout"
    except aiohttp.ClientError as exc:
        return None, False, f"connection: {type(exc).__name__}"
    status = body.get("status") if isinstance(body, dict) else None
    if status in (200, 202) and body.get("id"):
        return str(body["id"]), status == 202, ""
    return None, False, f"HTTP {response.status} / {status}: {str(body.get('error'))[:80]}"


async def _worker(
    session: aiohttp.ClientSession,
    sender: Sender,
    receivers: list[str],
    stop: asyncio.Event,
    seen: Observations,
    index: int,
) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        key = f"chaos-{uuid.uuid4().hex}"
        receiver = receivers[(index * 7919 + n) % len(receivers)]
        if receiver == sender.account:
            continue
        first_try = time.monotonic()
        for _ in range(ATTEMPTS):
            transaction_id, pending, problem = await _attempt(session, sender, receiver, key)
            if transaction_id is not None:
                seen.acknowledged.append(
                    Acknowledged(
                        key,
                        sender.customer_id,
                        transaction_id,
                        first_try,
                        time.monotonic(),
                        pending,
                    )
                )
                break
            seen.errors.append((time.monotonic(), problem))
            await asyncio.sleep(RETRY_PAUSE_SECONDS)
        else:
            seen.abandoned.append(key)


async def run_load(
    url: str, senders: list[Sender], receivers: list[str], stop: asyncio.Event
) -> Observations:
    seen = Observations()
    connector = aiohttp.TCPConnector(limit=len(senders))
    async with aiohttp.ClientSession(base_url=url, connector=connector) as session:
        await asyncio.gather(
            *(
                _worker(session, sender, receivers, stop, seen, i)
                for i, sender in enumerate(senders)
            )
        )
    return seen
