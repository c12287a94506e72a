"""Tortoise models: the customer database's tables."""

from tortoise import fields
from tortoise.models import Model


class CustomerRow(Model):
    id = fields.BigIntField(primary_key=True)
    # Unique case-insensitively through the index on lower(email) (see migrations).
    email = fields.CharField(max_length=254)
    password_hash = fields.CharField(max_length=255)
    full_name = fields.CharField(max_length=100)
    national_id = fields.CharField(max_length=32)
    gender = fields.CharField(max_length=1)
    is_admin = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "customer"
