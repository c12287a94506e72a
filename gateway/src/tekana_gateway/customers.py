"""Customer data as both API surfaces show it."""

from collections.abc import Iterable
from typing import Protocol

from tekana_gateway import bodies
from tekana_gateway.presenters import timestamp
from tekana_protos.tekana.customer import v1 as pb

GENDER_CODES: dict[int, str] = {pb.Gender.MALE: "M", pb.Gender.FEMALE: "F"}
GENDER_FROM_CODE = {code: pb.Gender(gender) for gender, code in GENDER_CODES.items()}
# Keyed by number: a upb message's enums are plain ints.
ROLE_NAMES: dict[int, str] = {role.value: role.name.lower() for role in pb.Role}


class CustomerFields(Protocol):
    """What both message classes of a customer have (betterproto2, and upb for GetCustomer)."""

    @property
    def id(self) -> int: ...
    @property
    def email(self) -> str: ...
    @property
    def full_name(self) -> str: ...
    @property
    def national_id(self) -> str: ...
    @property
    def gender(self) -> int: ...
    @property
    def roles(self) -> Iterable[int]: ...
    @property
    def created_at_us(self) -> int: ...
    @property
    def disabled(self) -> bool: ...


def legacy_customer(customer: CustomerFields) -> bodies.CustomerLegacy:
    return {
        "id": customer.id,
        "email": customer.email,
        "fullName": customer.full_name,
        "nationalId": customer.national_id,
        "gender": GENDER_CODES.get(customer.gender, ""),
    }


def v1_customer(customer: CustomerFields) -> bodies.CustomerV1:
    return {
        "id": customer.id,
        "email": customer.email,
        "full_name": customer.full_name,
        "national_id": customer.national_id,
        "gender": GENDER_CODES.get(customer.gender, ""),
        "roles": [ROLE_NAMES[role] for role in customer.roles if role in ROLE_NAMES],
        "created_at": timestamp(customer.created_at_us),
        "disabled": customer.disabled,
    }
