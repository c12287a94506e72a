"""PostgreSQL over TLS: a private cluster that accepts only TLS connections, and the
services' database settings (sslmode, CA) that reach it, or refuse a server they cannot
verify."""

import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from tortoise import Tortoise

from tekana_common.db import SslMode, tortoise_config
from tekana_devstack.postgres import PrivateCluster, server_binaries, start_private
from tests.support.platform import free_port
from tests.support.tls import Certificates, make_certificates


@pytest.fixture(scope="module")
def tls_cluster() -> Iterator[tuple[str, Certificates]]:
    binaries = server_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL's server binaries are not installed")
    # Not pytest's private temporary directory: the postgres user must reach the cluster.
    root = Path(tempfile.mkdtemp(prefix="tekana-pgtls-"))
    root.chmod(0o755)
    certs = make_certificates(root)
    data = root / "data"
    cluster = start_private(binaries, data, port=free_port())
    cluster.stop()
    owner = pwd.getpwnam(cluster.run_as) if cluster.run_as else None
    for name, source in (("server.crt", certs.server_cert), ("server.key", certs.server_key)):
        shutil.copy(source, data / name)
        os.chmod(data / name, 0o600)
        if owner:
            os.chown(data / name, owner.pw_uid, owner.pw_gid)
    # TLS or nothing: the one rule a plain connection could match refuses it.
    (data / "pg_hba.conf").write_text(
        "local all all trust\n"
        "hostssl all all 127.0.0.1/32 trust\n"
        "hostnossl all all 127.0.0.1/32 reject\n"
    )
    tls = PrivateCluster(binaries, data, cluster.run_as, cluster.port, settings=("ssl=on",))
    tls.start()
    try:
        yield f"postgres://postgres@127.0.0.1:{cluster.port}", certs
    finally:
        tls.stop()
        shutil.rmtree(root, ignore_errors=True)


async def _uses_tls(url: str, mode: SslMode, root_cert: Path | None) -> bool:
    config = tortoise_config(
        server_url=url,
        database="postgres",
        app="tekana_customer",
        ssl_mode=mode,
        ssl_root_cert=str(root_cert) if root_cert else None,
    )
    await Tortoise.init(config=config)
    try:
        rows = await Tortoise.get_connection("default").execute_query_dict(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        )
        return bool(rows[0]["ssl"])
    finally:
        await Tortoise.close_connections()


@pytest.mark.parametrize("mode", ["verify-full", "verify-ca", "require"])
async def test_services_reach_a_tls_only_database(
    tls_cluster: tuple[str, Certificates], mode: SslMode
) -> None:
    url, certs = tls_cluster
    assert await _uses_tls(url, mode, certs.ca)


async def test_a_plain_connection_is_refused(tls_cluster: tuple[str, Certificates]) -> None:
    url, _ = tls_cluster
    with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError):
        await _uses_tls(url, "disable", None)


async def test_a_server_the_ca_did_not_sign_is_refused(
    tls_cluster: tuple[str, Certificates], tmp_path: Path
) -> None:
    url, _ = tls_cluster
    stranger = make_certificates(tmp_path)
    with pytest.raises(OSError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        await _uses_tls(url, "verify-full", stranger.ca)
