"""Pure: the stack's own certificate authority and each component's certificate for mutual
TLS between the gateway and the services, and when one is due for renewal. EC P-256
keys; a certificate names every address its callers dial (the headless and the cluster-IP
Service, short and qualified)."""

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
CERTIFICATE_DAYS = 90
# Renewed with a third of its life left: a resync every 30 s has weeks to do it.
RENEW_BEFORE = datetime.timedelta(days=30)


@dataclass(frozen=True)
class Pem:
    """A certificate and its private key, PEM-encoded."""

    certificate: str
    key: str


def _key_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def new_authority(common_name: str) -> Pem:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - datetime.timedelta(minutes=5))
        .not_valid_after(_now() + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Pem(certificate.public_bytes(serialization.Encoding.PEM).decode(), _key_pem(key))


def issue(
    authority: Pem, common_name: str, dns_names: list[str], *, server: bool, days: int = 0
) -> Pem:
    """A certificate for ``common_name`` signed by ``authority``, valid ``days`` (else
    CERTIFICATE_DAYS): a client's, and a server's for ``dns_names`` too when ``server``."""
    ca_certificate = x509.load_pem_x509_certificate(authority.certificate.encode())
    ca_key = serialization.load_pem_private_key(authority.key.encode(), password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        # Only this module makes the authority; anything else in its Secret is not ours.
        raise TypeError("the stack's certificate authority key is not an EC key")
    key = ec.generate_private_key(ec.SECP256R1())
    usages = [ExtendedKeyUsageOID.CLIENT_AUTH, *([ExtendedKeyUsageOID.SERVER_AUTH] * server)]
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_now() - datetime.timedelta(minutes=5))
        .not_valid_after(_now() + datetime.timedelta(days=days or CERTIFICATE_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if dns_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), critical=False
        )
    certificate = builder.sign(ca_key, hashes.SHA256())
    return Pem(certificate.public_bytes(serialization.Encoding.PEM).decode(), _key_pem(key))


def due(certificate_pem: str, authority: Pem, dns_names: list[str]) -> bool:
    """Whether a certificate must be issued again: unreadable, near its end, signed by
    another authority, or naming other addresses."""
    try:
        certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    except ValueError:
        return True
    ca_certificate = x509.load_pem_x509_certificate(authority.certificate.encode())
    try:
        certificate.verify_directly_issued_by(ca_certificate)
    except (InvalidSignature, ValueError, TypeError):
        return True
    if certificate.not_valid_after_utc - _now() < RENEW_BEFORE:
        return True
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return bool(dns_names)
    return sorted(names.value.get_values_for_type(x509.DNSName)) != sorted(dns_names)
