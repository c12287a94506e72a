"""Exact money: integer minor units, ISO 4217 exponents, and strict conversion from JSON numbers.

Amounts never pass through ``float``: JSON numbers are parsed as ``Decimal`` and converted
here, and anything that is not an exact, positive, in-range amount is refused naming its field.
"""

from decimal import Decimal, InvalidOperation

from tekana_common.errors import InvalidArgument

# PostgreSQL bigint: the largest amount of minor units a balance column can hold.
BIGINT_MAX = 2**63 - 1

# ISO 4217 minor-unit exponents, by exponent. Currencies not listed here are refused.
_CODES_BY_EXPONENT = {
    2: """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN
        BZD CAD CDF CHF CNY COP CRC CUP CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
        GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD
        LSL MAD MDL MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN
        PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP
        SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWL
    """,
    0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
    3: "BHD IQD JOD KWD LYD OMR TND",
    4: "CLF UYW",
}
MINOR_UNITS: dict[str, int] = {
    code: digits for digits, codes in _CODES_BY_EXPONENT.items() for code in codes.split()
}


def exponent(currency: str, *, field: str = "currency") -> int:
    """The currency's number of minor-unit digits; unknown codes are refused."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise InvalidArgument.for_field(field, "is not a supported ISO 4217 currency") from None


def check_minor(amount: object, *, field: str) -> int:
    """A positive integer of minor units that fits a bigint, else ``InvalidArgument``."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidArgument.for_field(field, "must be an integer number of minor units")
    if amount <= 0:
        raise InvalidArgument.for_field(field, "must be greater than zero")
    if amount > BIGINT_MAX:
        raise InvalidArgument.for_field(field, "is too large")
    return amount


def major_to_minor(amount: object, currency: str, *, field: str) -> int:
    """An amount in major units (a JSON number parsed as ``int`` or ``Decimal``) in minor units."""
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise InvalidArgument.for_field(field, "must be a number")
    value = Decimal(amount)
    if not value.is_finite():
        raise InvalidArgument.for_field(field, "must be a finite number")
    digits = exponent(currency)
    try:
        scaled = value.scaleb(digits)
        if scaled != scaled.to_integral_value():
            raise InvalidArgument.for_field(
                field, f"has more than {digits} decimal places for {currency}"
            )
        return check_minor(int(scaled), field=field)
    except InvalidOperation:
        raise InvalidArgument.for_field(field, "is too large") from None


def minor_to_major(amount: int, currency: str) -> Decimal:
    """Minor units as an exact decimal of major units (``990050`` USD → ``Decimal('9900.50')``)."""
    return Decimal(amount).scaleb(-MINOR_UNITS[currency])
