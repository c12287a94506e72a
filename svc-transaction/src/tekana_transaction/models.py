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
    initiator_id = fields.BigIntField()
    sender_owner_id = fields.BigIntField(null=True)
    receiver_owner_id = fields.BigIntField(null=True)
    idempotency_key = fields.CharField(max_length=128, null=True)
    request_fingerprint = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "transaction"
        unique_together = (("initiator_id", "idempotency_key"),)
