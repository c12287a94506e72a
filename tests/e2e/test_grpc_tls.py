"""A service configured with certificates speaks only mutual TLS, and still wants the token."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError

from tekana.wallet.v1 import wallet_pb2 as wallet_pb
from tekana.wallet.v1.wallet_grpc import WalletServiceStub
from tekana_common.grpc_client import open_channel
from tekana_common.settings import Transport
from tests.support.database import drop_databases_like, unique_name
from tests.support.grpc import INTERNAL_TOKEN
from tests.support.services import ServiceProcess, ledger_services
from tests.support.tls import Certificates, make_certificates

RESOLVE = wallet_pb.ResolveAccountsRequest(account_numbers=["2000000000000018"])
FAILURES = (GRPCError, StreamTerminatedError, ConnectionError, OSError)


@pytest.fixture
async def tls_wallet(tmp_path: Path) -> AsyncIterator[tuple[ServiceProcess, Certificates]]:
    certificates = make_certificates(tmp_path)
    prefix = unique_name("tekana_tls")
    wallet, _ = ledger_services(tmp_path, prefix)
    wallet.migrate()
    wallet.spawn(
        TEKANA_GRPC_TLS_CERT_FILE=str(certificates.server_cert),
        TEKANA_GRPC_TLS_KEY_FILE=str(certificates.server_key),
        TEKANA_GRPC_TLS_CA_FILE=str(certificates.ca),
    )
    client = Transport(
        internal_token=INTERNAL_TOKEN,
        tls_cert_file=str(certificates.client_cert),
        tls_key_file=str(certificates.client_key),
        tls_ca_file=str(certificates.ca),
    )
    await wallet.wait_serving(client)
    yield wallet, certificates
    wallet.stop()
    await drop_databases_like(prefix)


async def call(address: str, transport: Transport) -> wallet_pb.ResolveAccountsResponse:
    channel = open_channel(address, transport)
    try:
        return await WalletServiceStub(channel).ResolveAccounts(RESOLVE, timeout=5)
    finally:
        channel.close()


async def test_mutual_tls_with_the_token_is_served(
    tls_wallet: tuple[ServiceProcess, Certificates],
) -> None:
    wallet, certificates = tls_wallet
    transport = Transport(
        internal_token=INTERNAL_TOKEN,
        tls_cert_file=str(certificates.client_cert),
        tls_key_file=str(certificates.client_key),
        tls_ca_file=str(certificates.ca),
    )
    reply = await call(f"127.0.0.1:{wallet.port}", transport)
    assert reply.accounts == []


async def test_plain_connections_and_clients_without_a_certificate_are_refused(
    tls_wallet: tuple[ServiceProcess, Certificates],
) -> None:
    wallet, certificates = tls_wallet
    address = f"127.0.0.1:{wallet.port}"
    with pytest.raises(FAILURES):
        await call(address, Transport(internal_token=INTERNAL_TOKEN))
    with pytest.raises(FAILURES):
        await call(
            address, Transport(internal_token=INTERNAL_TOKEN, tls_ca_file=str(certificates.ca))
        )


async def test_tls_without_the_token_is_unauthenticated(
    tls_wallet: tuple[ServiceProcess, Certificates],
) -> None:
    wallet, certificates = tls_wallet
    transport = Transport(
        internal_token="wrong",
        tls_cert_file=str(certificates.client_cert),
        tls_key_file=str(certificates.client_key),
        tls_ca_file=str(certificates.ca),
    )
    with pytest.raises(GRPCError) as caught:
        await call(f"127.0.0.1:{wallet.port}", transport)
    assert caught.value.status == Status.UNAUTHENTICATED
