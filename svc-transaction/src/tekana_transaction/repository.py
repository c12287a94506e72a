"""Transaction storage: the ``TransactionRepository`` protocol and its Tortoise implementation."""

from datetime import UTC, datetime, timedelta
from typing import Protocol

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from tekana_transaction.domain import Kind, Status, Transaction
from tekana_transaction.models import TransactionRow


class TransactionRepository(Protocol):
    async def add_pending(
        self, transaction: Transaction, idempotency_key: str | None
    ) -> tuple[Transaction, bool]:
        """Store ``transaction`` pending; (stored, True), or (the one already stored under the
        caller's idempotency key, False)."""

    async def find_by_key(self, initiator_id: int, idempotency_key: str) -> Transaction | None: ...

    async def get(self, transaction_id: str) -> Transaction | None: ...

    async def finish(self, transaction_id: str, *, failure_code: str | None) -> Transaction:
        """Mark a pending transaction completed (no failure) or failed; a finished one is
        returned unchanged, so the first outcome stands."""

    async def page_for_account(
        self, account_number: str, *, before_seq: int, limit: int
    ) -> list[tuple[int, Transaction]]:
        """Up to ``limit`` (seq, transaction) touching the account, seq below ``before_seq``,
        newest first."""

    async def pending_older_than(self, age: timedelta, limit: int) -> list[Transaction]: ...


def _to_domain(row: TransactionRow) -> Transaction:
    return Transaction(
        id=str(row.id),
        kind=Kind(row.kind),
        sender_account=row.sender_account,
        receiver_account=row.receiver_account,
        amount=row.amount,
        currency=row.currency,
        status=Status(row.status),
        failure_code=row.failure_code,
        initiator_id=row.initiator_id,
        sender_owner_id=row.sender_owner_id,
        receiver_owner_id=row.receiver_owner_id,
        request_fingerprint=row.request_fingerprint,
        created_at=row.created_at,
        completed_at=row.completed_at,
    )


class TortoiseTransactionRepository:
    async def add_pending(
        self, transaction: Transaction, idempotency_key: str | None
    ) -> tuple[Transaction, bool]:
        try:
            row = await TransactionRow.create(
                id=transaction.id,
                kind=transaction.kind.value,
                sender_account=transaction.sender_account,
                receiver_account=transaction.receiver_account,
                amount=transaction.amount,
                currency=transaction.currency,
                status=Status.PENDING.value,
                initiator_id=transaction.initiator_id,
                sender_owner_id=transaction.sender_owner_id,
                receiver_owner_id=transaction.receiver_owner_id,
                idempotency_key=idempotency_key,
                request_fingerprint=transaction.request_fingerprint,
            )
        except IntegrityError:
            if idempotency_key is None:
                raise
            existing = await self.find_by_key(transaction.initiator_id, idempotency_key)
            if existing is None:
                raise
            return existing, False
        return _to_domain(row), True

    async def find_by_key(self, initiator_id: int, idempotency_key: str) -> Transaction | None:
        row = await TransactionRow.get_or_none(
            initiator_id=initiator_id, idempotency_key=idempotency_key
        )
        return _to_domain(row) if row else None

    async def get(self, transaction_id: str) -> Transaction | None:
        row = await TransactionRow.get_or_none(id=transaction_id)
        return _to_domain(row) if row else None

    async def finish(self, transaction_id: str, *, failure_code: str | None) -> Transaction:
        status = Status.FAILED if failure_code else Status.COMPLETED
        await TransactionRow.filter(id=transaction_id, status=Status.PENDING.value).update(
            status=status.value, failure_code=failure_code, completed_at=datetime.now(UTC)
        )
        row = await TransactionRow.get(id=transaction_id)
        return _to_domain(row)

    async def page_for_account(
        self, account_number: str, *, before_seq: int, limit: int
    ) -> list[tuple[int, Transaction]]:
        rows = (
            await TransactionRow.filter(
                Q(sender_account=account_number) | Q(receiver_account=account_number),
                seq__lt=before_seq,
            )
            .order_by("-seq")
            .limit(limit)
        )
        return [(row.seq, _to_domain(row)) for row in rows]

    async def pending_older_than(self, age: timedelta, limit: int) -> list[Transaction]:
        cutoff = datetime.now(UTC) - age
        rows = (
            await TransactionRow.filter(status=Status.PENDING.value, created_at__lt=cutoff)
            .order_by("created_at")
            .limit(limit)
        )
        return [_to_domain(row) for row in rows]
