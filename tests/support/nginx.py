"""Debian's nginx as the ingress stand-in: round robin, the next upstream tried on error,
as the operator's Ingress annotations ask of ingress-nginx."""

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tekana_operator.network import INGRESS_ANNOTATIONS

NEXT_UPSTREAM = INGRESS_ANNOTATIONS["nginx.ingress.kubernetes.io/proxy-next-upstream"]
TRIES = INGRESS_ANNOTATIONS["nginx.ingress.kubernetes.io/proxy-next-upstream-tries"]


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        pytest.fail("nginx is missing: ./taskw system-tools installs it")
    return found


def nginx_config(directory: Path, listen: int, upstreams: list[str]) -> Path:
    """A configuration listening on 127.0.0.1:``listen`` in front of ``upstreams``
    (``host:port`` each)."""
    servers = "\n".join(f"    server {u} max_fails=1 fail_timeout=10s;" for u in upstreams)
    temp = "\n".join(
        f"  {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = directory / "nginx.conf"
    config.write_text(
        f"""daemon off;
worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
{temp}
  upstream gateways {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{listen};
    location / {{
      proxy_pass http://gateways;
      proxy_next_upstream {NEXT_UPSTREAM};
      proxy_next_upstream_tries {TRIES};
      proxy_connect_timeout 1s;
      proxy_read_timeout 10s;
    }}
  }}
}}
"""
    )
    return config


def _wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        assert process.poll() is None, "nginx exited at start"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nginx not listening on {port} within 10 s")


@contextmanager
def nginx(directory: Path, listen: int, upstreams: list[str]) -> Iterator[None]:
    """nginx running in front of ``upstreams`` until the block ends."""
    config = nginx_config(directory, listen, upstreams)
    process = subprocess.Popen(
        [nginx_binary(), "-c", str(config), "-p", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(listen, process)
        yield
    finally:
        process.send_signal(signal.SIGQUIT)
        process.wait(timeout=15)
