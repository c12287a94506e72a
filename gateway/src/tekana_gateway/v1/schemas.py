"""Request bodies of /v1. Unknown fields are refused, so typos never pass silently."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from tekana_gateway.legacy.schemas import Email, Password


class V1Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CreateCustomer(V1Model):
    email: Email
    password: Password
    full_name: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    national_id: Annotated[StrictStr, Field(min_length=1, max_length=32)]
    gender: Literal["M", "F"]


class TokenRequest(V1Model):
    email: Email
    password: Password
