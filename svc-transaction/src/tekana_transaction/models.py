"""Tortoise models: the transaction database's tables."""

from tortoise import fields
from tortoise.models import Model


class TransactionRow(Model):
    # A sequence for keyset pagination in creation order; the public id is the UUID.
    seq = fields.BigIntField(primary_key=True)
    id = fields.UUIDField(unique=True)
    kind = fields.CharField(max_length=16)
    sender_account = fields.CharField(max_length=32)
    receiver_account = fields.CharField(max_length=32)
    amount = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    status = fields.CharField(max_length=16)
    failure_code = fields.CharField(max_length=32, null=True)
    # Null only on rows imported from the old system, which recorded neither.
    initiator_id = fields.BigIntField(null=True)
    sender_owner_id = fields.BigIntField(null=True)
    receiver_owner_id = fields.BigIntField(null=True)
    idempotency_key = fields.CharField(max_length=128, null=True)
    request_fingerprint = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    completed_at = fields.DatetimeField(null=True)
    # See migration 0004: the legacy surface's integer id (a sequence's default), the
    # client's own id of a legacy deposit, and whether the row came from the old system.
    legacy_id = fields.BigIntField(unique=True, generated=False, null=True)
    client_reference = fields.BigIntField(null=True)
    imported = fields.BooleanField(default=False)

    class Meta:
        table = "transaction"
        unique_together = (("initiator_id", "idempotency_key"),)
