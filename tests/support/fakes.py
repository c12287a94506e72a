"""In-memory stand-ins for the services' ports (repositories, hasher, ledger)."""

import dataclasses
import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tekana_customer.domain import Customer, EmailTaken, NewCustomer, Surface, TokenLifetimes
from tekana_customer.ports import Reused, Rotated
from tekana_customer.service import Sessions
from tekana_customer.tokens import TokenIssuer
from tekana_transaction.domain import (
    Account,
    Kind,
    LedgerAnswer,
    RecentTransactions,
    Status,
    Transaction,
)
from tekana_transaction.ports import LedgerUnavailable


class FakeCustomerRepository:
    """Keeps customers in a dict; unique e-mails compared case-insensitively, as the database."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[Customer, str]] = {}
        self._ids = itertools.count(1)

    async def add(self, new: NewCustomer) -> Customer:
        if any(c.email.lower() == new.email.lower() for c, _ in self.rows.values()):
            raise EmailTaken
        customer = Customer(
            id=next(self._ids),
            email=new.email,
            full_name=new.full_name,
            national_id=new.national_id,
            gender=new.gender,
            roles=new.roles,
            created_at=datetime.now(UTC),
        )
        self.rows[customer.id] = (customer, new.password_hash)
        return customer

    async def get(self, customer_id: int) -> Customer | None:
        found = self.rows.get(customer_id)
        return found[0] if found else None

    async def find_credentials(self, email: str) -> tuple[Customer, str] | None:
        for customer, password_hash in self.rows.values():
            if customer.email.lower() == email.lower():
                return customer, password_hash
        return None

    async def list_after(self, after_id: int, limit: int) -> list[Customer]:
        return [c for i, (c, _) in sorted(self.rows.items()) if i > after_id][:limit]

    async def credentials_of(self, customer_id: int) -> str | None:
        found = self.rows.get(customer_id)
        return found[1] if found else None

    async def replace_password_hash(self, customer_id: int, old: str, new: str) -> None:
        customer, stored = self.rows[customer_id]
        if stored == old:
            self.rows[customer_id] = (customer, new)

    async def change_password(self, customer_id: int, password_hash: str) -> None:
        customer, _ = self.rows[customer_id]
        self.rows[customer_id] = (customer, password_hash)

    async def set_disabled(self, customer_id: int, disabled: bool) -> Customer | None:
        found = self.rows.get(customer_id)
        if found is None:
            return None
        customer = dataclasses.replace(found[0], disabled=disabled)
        self.rows[customer_id] = (customer, found[1])
        return customer


@dataclass
class _Session:
    customer_id: int
    surface: Surface
    ended: bool = False


class FakeSessionRepository:
    """Sessions and refresh token hashes in dicts, with the database's rotation rules."""

    def __init__(self, customers: FakeCustomerRepository) -> None:
        self.customers = customers
        self.sessions: dict[str, _Session] = {}
        self.tokens: dict[bytes, tuple[str, bool]] = {}  # hash -> (session id, used)

    async def start(
        self, customer_id: int, surface: Surface, *, lifetime: int, refresh_hash: bytes | None
    ) -> str:
        session_id = str(uuid.uuid4())
        self.sessions[session_id] = _Session(customer_id, surface)
        if refresh_hash is not None:
            self.tokens[refresh_hash] = (session_id, False)
        return session_id

    async def rotate(
        self, used_hash: bytes, new_hash: bytes, *, lifetime: int
    ) -> Rotated | Reused | None:
        if used_hash not in self.tokens:
            return None
        session_id, used = self.tokens[used_hash]
        session = self.sessions[session_id]
        if used:
            session.ended = True
            return Reused(session_id, session.surface)
        customer = await self.customers.get(session.customer_id)
        if session.ended or customer is None or customer.disabled:
            return None
        self.tokens[used_hash] = (session_id, True)
        self.tokens[new_hash] = (session_id, False)
        return Rotated(customer, session_id)

    async def end(self, session_id: str, customer_id: int) -> Surface | None:
        session = self.sessions.get(session_id)
        if session is None or session.customer_id != customer_id:
            return None
        session.ended = True
        return session.surface

    async def revoked_since(
        self, since: datetime
    ) -> tuple[list[tuple[str, Surface]], list[tuple[int, datetime]]]:
        ended = [(sid, s.surface) for sid, s in self.sessions.items() if s.ended]
        return ended, []

    async def forget_expired(self, before: datetime, *, batch: int) -> int:
        return 0  # fake sessions do not expire


@dataclass
class FakeRevocations:
    """Records what would be published."""

    sessions: list[str] = field(default_factory=list)
    customers: list[tuple[int, float]] = field(default_factory=list)

    async def session_ended(self, session_id: str, surface: Surface) -> None:
        self.sessions.append(session_id)

    async def customer_revoked(self, customer_id: int, *, at: float) -> None:
        self.customers.append((customer_id, at))


LIFETIMES = TokenLifetimes(access=900, legacy=8 * 3600, refresh=30 * 24 * 3600)


def fake_sessions(customers: FakeCustomerRepository, issuer: TokenIssuer) -> Sessions:
    """The session side of the customer service on fakes."""
    return Sessions(FakeSessionRepository(customers), issuer, LIFETIMES, FakeRevocations())


class FakeHasher:
    """Reversible 'hashing' that records how often verification work was spent."""

    def __init__(self) -> None:
        self.verifications = 0

    async def hash(self, password: str) -> str:
        return f"fake${password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        self.verifications += 1
        return password_hash == f"fake${password}"

    async def burn(self, password: str) -> None:
        self.verifications += 1

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith("fake$")


class FakeTransactionRepository:
    """Transactions in a list, unique per (initiator, idempotency key) like the table."""

    def __init__(self) -> None:
        self.rows: list[tuple[Transaction, str | None]] = []

    async def add_pending(
        self, transaction: Transaction, idempotency_key: str | None
    ) -> tuple[Transaction, bool]:
        if idempotency_key is not None and transaction.initiator_id is not None:
            existing = await self.find_by_key(transaction.initiator_id, idempotency_key)
            if existing is not None:
                return existing, False
        # As the table's sequence does.
        transaction = transaction._replace(legacy_id=len(self.rows) + 1)
        self.rows.append((transaction, idempotency_key))
        return transaction, True

    async def find_by_key(self, initiator_id: int, idempotency_key: str) -> Transaction | None:
        for transaction, key in self.rows:
            if transaction.initiator_id == initiator_id and key == idempotency_key:
                return transaction
        return None

    async def get(self, transaction_id: str) -> Transaction | None:
        return next((t for t, _ in self.rows if t.id == transaction_id), None)

    async def finish(self, transaction_id: str, *, failure_code: str | None) -> Transaction:
        for index, (transaction, key) in enumerate(self.rows):
            if transaction.id == transaction_id:
                if transaction.status == Status.PENDING:
                    transaction = transaction._replace(
                        status=Status.FAILED if failure_code else Status.COMPLETED,
                        failure_code=failure_code,
                        completed_at=datetime.now(UTC),
                    )
                    self.rows[index] = (transaction, key)
                return transaction
        raise KeyError(transaction_id)

    async def page_for_account(
        self, account_number: str, *, before_seq: int, limit: int
    ) -> list[tuple[int, Transaction]]:
        numbered = [
            (seq, t)
            for seq, (t, _) in enumerate(self.rows, start=1)
            if account_number in (t.sender_account, t.receiver_account) and seq < before_seq
        ]
        return list(reversed(numbered))[:limit]

    async def recent_for_accounts(
        self, queries: Sequence[tuple[str, int]]
    ) -> list[RecentTransactions]:
        return [await self._recent(account, limit) for account, limit in queries]

    async def _recent(self, account_number: str, limit: int) -> RecentTransactions:
        page = await self.page_for_account(
            account_number, before_seq=len(self.rows) + 1, limit=len(self.rows)
        )
        latest = [t for _, t in page if t.kind == Kind.TRANSFER][:limit]
        return RecentTransactions(
            [t.id for t in latest],
            [t.sender_account for t in latest],
            [t.receiver_account for t in latest],
            [t.amount for t in latest],
            [t.currency for t in latest],
            [t.status for t in latest],
            [int(t.created_at.timestamp() * 1_000_000) for t in latest],
            [t.legacy_id or 0 for t in latest],
            [t.imported for t in latest],
        )

    async def pending_older_than(self, age: timedelta, limit: int) -> list[Transaction]:
        return [t for t, _ in self.rows if t.status == Status.PENDING][:limit]


class FakeLedger:
    """Accounts and balances in dicts; idempotent on transfer id, like the wallet service."""

    FUNDING = "2999999999999990"

    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.balances: dict[str, int] = {}
        self.outcomes: dict[str, LedgerAnswer] = {}
        self.available = True
        self.applied: list[str] = []

    def open(
        self, account_number: str, owner_id: int, balance: int = 0, currency: str = "USD"
    ) -> str:
        self.accounts[account_number] = Account(account_number, owner_id, currency)
        self.balances[account_number] = balance
        return account_number

    async def resolve(self, account_numbers: list[str]) -> dict[str, Account]:
        self._check_available()
        return {a: self.accounts[a] for a in account_numbers if a in self.accounts}

    async def funding_account(self, currency: str) -> str:
        self._check_available()
        self.balances.setdefault(self.FUNDING, 0)
        return self.FUNDING

    async def apply(
        self,
        *,
        transfer_id: str,
        from_account: str,
        to_account: str,
        amount: int,
        currency: str,
        reference: int = 0,
    ) -> LedgerAnswer:
        self._check_available()
        if transfer_id not in self.outcomes:
            refusal = self._refusal(from_account, to_account, amount, currency)
            if not refusal:
                self.balances[from_account] -= amount
                self.balances[to_account] += amount
                self.applied.append(transfer_id)
            self.outcomes[transfer_id] = LedgerAnswer(not refusal, refusal)
        return self.outcomes[transfer_id]

    def _refusal(self, from_account: str, to_account: str, amount: int, currency: str) -> str:
        """The wallet service's checks, in the order its SQL function makes them."""
        funding = from_account == self.FUNDING
        receiver = self.accounts.get(to_account)
        if from_account == to_account:
            return "same_wallet"
        if not funding and from_account not in self.accounts:
            return "sender_wallet_not_found"
        if receiver is None:
            return "receiver_wallet_not_found"
        sender_currency = currency if funding else self.accounts[from_account].currency
        if not sender_currency == receiver.currency == currency:
            return "currency_mismatch"
        if not funding and self.balances[from_account] < amount:
            return "insufficient_funds"
        return ""

    def _check_available(self) -> None:
        if not self.available:
            raise LedgerUnavailable("wallet service down")
