"""Tortoise models: the customer database's tables."""

from tortoise import fields
from tortoise.models import Model


class CustomerRow(Model):
    id = fields.BigIntField(primary_key=True)
    # Unique case-insensitively through the index on lower(email) (see migrations).
    email = fields.CharField(max_length=254)
    password_hash = fields.CharField(max_length=255)
    full_name = fields.CharField(max_length=100)
    # Plain only on rows from before encryption (see migration 0004); else sealed below.
    national_id = fields.CharField(max_length=32, null=True)
    national_id_cipher = fields.BinaryField(null=True)
    national_id_key = fields.SmallIntField(null=True)
    # Null only on rows imported from the old system, whose column allowed it.
    gender = fields.CharField(max_length=1, null=True)
    is_admin = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    disabled_at = fields.DatetimeField(null=True)
    # Tokens issued at or before this instant are refused (disable, every session ended).
    tokens_valid_after = fields.DatetimeField(null=True)
    imported_at = fields.DatetimeField(null=True)
    # Off for the old system's duplicates of an e-mail (see migration 0006).
    email_login = fields.BooleanField(default=True)

    class Meta:
        table = "customer"


class SessionRow(Model):
    """One login: a family of rotating refresh tokens, and the sid of its access tokens."""

    id = fields.UUIDField(primary_key=True)
    customer: fields.ForeignKeyRelation[CustomerRow] = fields.ForeignKeyField(
        "customer.CustomerRow", related_name="sessions", on_delete=fields.CASCADE
    )
    surface = fields.CharField(max_length=8)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "session"


class RefreshTokenRow(Model):
    """A refresh token, by its SHA-256 only; used once, then replaced."""

    token_hash = fields.BinaryField(primary_key=True)
    session: fields.ForeignKeyRelation[SessionRow] = fields.ForeignKeyField(
        "customer.SessionRow", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_token"
