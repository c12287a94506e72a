"""The saga of one money movement: store it pending → apply it in the ledger → record the
outcome. A transaction is stored before the ledger is asked, and the ledger is idempotent on
the transaction id, so after any crash or lost reply, driving it again finishes it exactly
once (``service.recover_pending``)."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tekana_common import tracing
from tekana_common.context import Caller
from tekana_common.logging import get_logger
from tekana_common.tracing import mark_failed
from tekana_transaction.domain import (
    Account,
    AmountCeilings,
    IdempotencyKeyReused,
    Kind,
    Result,
    Status,
    Transaction,
    fingerprint,
    refusal_error,
)
from tekana_transaction.metrics import TRANSFERS
from tekana_transaction.ports import Ledger, LedgerUnavailable, TransactionRepository

log = get_logger(__name__)


@dataclass(frozen=True)
class Saga:
    """What the saga needs: storage, the ledger, and the amounts it allows."""

    repo: TransactionRepository
    ledger: Ledger
    ceilings: AmountCeilings = field(default_factory=AmountCeilings)


@dataclass(frozen=True, slots=True)
class MovementRequest:
    """A validated request to move money."""

    kind: Kind
    sender: str
    receiver: str
    amount: int
    currency: str
    idempotency_key: str | None
    client_reference: int | None = None


async def answer_replay(saga: Saga, existing: Transaction, movement: MovementRequest) -> Result:
    expected = fingerprint(
        movement.kind, movement.sender, movement.receiver, movement.amount, movement.currency
    )
    if existing.request_fingerprint != expected:
        raise IdempotencyKeyReused
    return Result(await _answer(saga, existing), replayed=True)


async def start(
    saga: Saga, caller: Caller, movement: MovementRequest, sender: Account, receiver: Account
) -> Result:
    transaction = Transaction(
        id=str(uuid.uuid4()),
        kind=movement.kind,
        sender_account=movement.sender,
        receiver_account=movement.receiver,
        amount=movement.amount,
        currency=movement.currency,
        status=Status.PENDING,
        failure_code=None,
        initiator_id=caller.customer_id,
        sender_owner_id=sender.owner_id,
        receiver_owner_id=receiver.owner_id,
        request_fingerprint=fingerprint(
            movement.kind, movement.sender, movement.receiver, movement.amount, movement.currency
        ),
        created_at=datetime.now(UTC),
        completed_at=None,
        client_reference=movement.client_reference,
    )
    with tracing.span(
        "saga.store_pending",
        attributes={"tekana.transaction.id": transaction.id, "tekana.account": movement.sender},
    ):
        stored, created = await saga.repo.add_pending(transaction, movement.idempotency_key)
    if not created:
        # The key was used before (a retry, or a concurrent twin that won the insert): the
        # insert is the replay check, one round trip fewer than looking first.
        return await answer_replay(saga, stored, movement)
    return Result(await _answer(saga, stored), replayed=False)


async def _answer(saga: Saga, transaction: Transaction) -> Transaction:
    """Drive the transaction to its outcome if the ledger answers; raise its failure."""
    finished = await drive(saga, transaction)
    if finished.status == Status.FAILED:
        raise refusal_error(finished.failure_code)
    return finished


async def drive(saga: Saga, transaction: Transaction) -> Transaction:
    """Apply a pending transaction in the ledger and record the outcome. If the ledger does
    not answer it stays pending, for the recovery loop; finished ones are returned as they are."""
    if transaction.status != Status.PENDING:
        return transaction
    with tracing.span("saga.apply", attributes={"tekana.transaction.id": transaction.id}) as span:
        try:
            outcome = await saga.ledger.apply(
                transfer_id=transaction.id,
                from_account=transaction.sender_account,
                to_account=transaction.receiver_account,
                amount=transaction.amount,
                currency=transaction.currency,
                reference=transaction.client_reference or transaction.legacy_id or 0,
            )
        except LedgerUnavailable as exc:
            log.warning("ledger_unavailable", transaction_id=transaction.id, reason=str(exc))
            mark_failed(span, exc, "ledger_unavailable")
            TRANSFERS.labels(transaction.kind.value, "pending").inc()
            return transaction
        if not outcome.completed:
            mark_failed(span, RuntimeError(outcome.failure_code), outcome.failure_code)
    status = Status.COMPLETED if outcome.completed else Status.FAILED
    TRANSFERS.labels(transaction.kind.value, status.value).inc()
    with tracing.span(f"saga.{status.value}", attributes={"tekana.transaction.id": transaction.id}):
        return await saga.repo.finish(
            transaction.id, failure_code=None if outcome.completed else outcome.failure_code
        )
