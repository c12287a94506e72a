"""Customer data as both API surfaces show it."""

from tekana_gateway import bodies
from tekana_gateway.presenters import timestamp
from tekana_protos.tekana.customer import v1 as pb

GENDER_CODES = {pb.Gender.MALE: "M", pb.Gender.FEMALE: "F"}
GENDER_FROM_CODE = {code: gender for gender, code in GENDER_CODES.items()}


def legacy_customer(customer: pb.Customer) -> bodies.CustomerLegacy:
    return {
        "id": customer.id,
        "email": customer.email,
        "fullName": customer.full_name,
        "nationalId": customer.national_id,
        "gender": GENDER_CODES.get(customer.gender, ""),
    }


def v1_customer(customer: pb.Customer) -> bodies.CustomerV1:
    return {
        "id": customer.id,
        "email": customer.email,
        "full_name": customer.full_name,
        "national_id": customer.national_id,
        "gender": GENDER_CODES.get(customer.gender, ""),
        "roles": [role.name.lower() for role in customer.roles if role.name],
        "created_at": timestamp(customer.created_at_us),
    }
