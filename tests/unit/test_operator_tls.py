"""The stack's mutual TLS as the operator issues it: certificates that the services'
own TLS settings (tekana_common.settings.Transport) accept from the stack's callers and
refuse otherwise, renewed when due, and mounted into every component."""

import asyncio
import ssl
from pathlib import Path
from typing import Any

from tekana_common.settings import Transport
from tekana_operator import certificates, resources, tls, workloads
from tekana_operator.certificates import Pem
from tekana_operator.stack import parse
from tests.support.k8s import stack_body

STACK = parse(stack_body({}))
AUTHORITY = certificates.new_authority("prod")


def _files(directory: Path, name: str, issued: Pem, authority: Pem = AUTHORITY) -> Transport:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.crt").write_text(issued.certificate)
    (directory / f"{name}.key").write_text(issued.key)
    (directory / "ca.crt").write_text(authority.certificate)
    return Transport(
        internal_token="t",
        tls_cert_file=str(directory / f"{name}.crt"),
        tls_key_file=str(directory / f"{name}.key"),
        tls_ca_file=str(directory / "ca.crt"),
    )


def _issued(component: str, authority: Pem = AUTHORITY) -> Pem:
    return certificates.issue(
        authority,
        STACK.child(component),
        tls.dns_names(STACK, component),
        server=component != "gateway",
    )


async def _handshake(server: ssl.SSLContext, client: ssl.SSLContext, hostname: str) -> bool:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"ok")
        await writer.drain()
        writer.close()

    listening = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=server)
    port = listening.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, ssl=client, server_hostname=hostname), 5
        )
        reply = await asyncio.wait_for(reader.read(2), 5)
        writer.close()
        return reply == b"ok"
    except (ssl.SSLError, ConnectionError, OSError):
        return False
    finally:
        listening.close()


def _server(tmp_path: Path, component: str) -> ssl.SSLContext:
    context = _files(tmp_path / component, component, _issued(component)).server_ssl()
    assert context is not None
    return context


def _client(transport: Transport) -> ssl.SSLContext:
    context = transport.client_ssl()
    assert context is not None
    return context


async def test_a_service_takes_the_stack_s_callers_by_the_names_they_dial(tmp_path: Path) -> None:
    gateway = _files(tmp_path / "gateway", "gateway", _issued("gateway"))
    transaction = _files(tmp_path / "transaction", "transaction", _issued("transaction"))
    wallet = _server(tmp_path, "wallet")
    for name in ("prod-wallet-pods", "prod-wallet.tekana.svc", "prod-wallet-pods.tekana.svc"):
        assert await _handshake(wallet, _client(gateway), name)
    assert await _handshake(wallet, _client(transaction), "prod-wallet-pods")
    # Not the name of another service.
    assert not await _handshake(wallet, _client(gateway), "prod-customer-pods")


async def test_a_service_refuses_callers_without_a_certificate_of_the_stack(
    tmp_path: Path,
) -> None:
    wallet = _server(tmp_path, "wallet")
    anonymous = Transport(internal_token="t", tls_ca_file=str(tmp_path / "wallet" / "ca.crt"))
    assert not await _handshake(wallet, _client(anonymous), "prod-wallet-pods")
    stranger_authority = certificates.new_authority("elsewhere")
    stranger = _files(
        tmp_path / "stranger",
        "gateway",
        _issued("gateway", stranger_authority),
        AUTHORITY,  # it trusts our authority, but its own certificate is another's
    )
    assert not await _handshake(wallet, _client(stranger), "prod-wallet-pods")


def test_a_certificate_is_due_near_its_end_under_another_authority_or_other_names() -> None:
    names = tls.dns_names(STACK, "wallet")
    fresh = _issued("wallet")
    assert not certificates.due(fresh.certificate, AUTHORITY, names)
    assert certificates.due(fresh.certificate, certificates.new_authority("prod"), names)
    assert certificates.due(fresh.certificate, AUTHORITY, [*names, "prod-wallet.other"])
    assert certificates.due("not a certificate", AUTHORITY, names)
    ending = certificates.issue(AUTHORITY, "prod-wallet", names, server=True, days=20)
    assert certificates.due(ending.certificate, AUTHORITY, names)  # inside RENEW_BEFORE


def _containers(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    stack = parse(stack_body(spec))
    return {
        d["metadata"]["name"]: d["spec"]["template"]["spec"] for d in resources.deployments(stack)
    }


def test_every_component_reads_its_own_certificate_and_none_when_off() -> None:
    for name, pod in _containers({}).items():
        (container,) = pod["containers"]
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["TEKANA_GRPC_TLS_CA_FILE"] == f"{workloads.TLS_DIRECTORY}/ca.crt"
        (volume,) = [v for v in pod["volumes"] if v["name"] == "tls"]
        assert volume["secret"]["secretName"] == f"{name}-tls"
        assert volume["secret"]["defaultMode"] == 0o440
    for pod in _containers({"tls": {"mode": "disabled"}}).values():
        (container,) = pod["containers"]
        assert not [e for e in container["env"] if e["name"].startswith("TEKANA_GRPC_TLS")]
        assert [v["name"] for v in pod["volumes"]] == ["tmp"]
