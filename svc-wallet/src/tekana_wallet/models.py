"""Tortoise models: the wallet database's tables. Constraints the ORM cannot state (non-negative
customer balances, append-only entries, one funding wallet per currency) are in migrations."""

from tortoise import fields
from tortoise.models import Model


class WalletRow(Model):
    id = fields.BigIntField(primary_key=True)
    account_number = fields.CharField(max_length=32, unique=True)
    # None for the per-currency system wallets, and imported wallets whose owner is missing.
    owner_id = fields.BigIntField(null=True, db_index=True)
    type = fields.CharField(max_length=16)
    currency = fields.CharField(max_length=3)
    status = fields.CharField(max_length=16, default="active")
    balance = fields.BigIntField(default=0)
    # Per owner: the key of the request that created it, so a retried create returns it.
    idempotency_key = fields.CharField(max_length=128, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Set on wallets imported from the old system (see migration 0006).
    legacy_id = fields.IntField(null=True, unique=True)
    imported_at = fields.DatetimeField(null=True)

    class Meta:
        table = "wallet"
        unique_together = (("owner_id", "idempotency_key"),)


class LedgerEntryRow(Model):
    id = fields.BigIntField(primary_key=True)
    wallet: fields.ForeignKeyRelation[WalletRow] = fields.ForeignKeyField(
        "wallet.WalletRow", related_name="entries", on_delete=fields.RESTRICT
    )
    transfer_id = fields.UUIDField()
    direction = fields.CharField(max_length=6)
    amount = fields.BigIntField()
    balance_after = fields.BigIntField()
    counterparty_account = fields.CharField(max_length=32)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_entry"
        unique_together = (("transfer_id", "direction"),)


class TransferRow(Model):
    """The ledger's record of each ApplyTransfer, so a replay returns the first outcome."""

    transfer_id = fields.UUIDField(primary_key=True)
    from_account = fields.CharField(max_length=32)
    to_account = fields.CharField(max_length=32)
    amount = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    status = fields.CharField(max_length=16)
    failure_code = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "transfer"
