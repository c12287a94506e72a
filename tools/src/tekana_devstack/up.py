"""``./taskw up``: the whole platform in the foreground, one log stream, Ctrl-C stops it all."""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

from tekana_common.logging import configure_logging, get_logger
from tekana_customer.national_ids import new_keys_text
from tekana_devstack import postgres
from tekana_devstack.components import GATEWAY, SERVICES, Ports, component_env
from tekana_devstack.jwt_keys import generate_key_pair
from tekana_devstack.paths import STATE_DIR
from tekana_devstack.supervise import Backoff, Start, Supervised, start_all

log = get_logger("tekana_devstack.up")

STOP_GRACE_SECONDS = 10.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Ports()
    parser.add_argument("--gateway-port", type=int, default=defaults.gateway)
    parser.add_argument("--customer-port", type=int, default=defaults.customer)
    parser.add_argument("--wallet-port", type=int, default=defaults.wallet)
    parser.add_argument("--transaction-port", type=int, default=defaults.transaction)
    for service in ("gateway", "customer", "wallet", "transaction"):
        parser.add_argument(
            f"--{service}-metrics-port", type=int, default=getattr(defaults, f"{service}_metrics")
        )
    parser.add_argument(
        "--database-prefix", default="tekana", help="databases are named PREFIX_<service>"
    )
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR)


def run(args: argparse.Namespace) -> int:
    configure_logging("up", level=os.environ.get("TEKANA_LOG_LEVEL", "INFO"))
    args.state_dir.mkdir(parents=True, exist_ok=True)
    try:
        url, cluster = postgres.resolve(args.state_dir)
    except postgres.PostgresUnavailable as exc:
        print(f"up: {exc}", file=sys.stderr)
        return 1
    if cluster is not None:
        log.info("private_postgres_started", data_dir=str(cluster.data_dir), url=url)
    try:
        return _run_platform(args, url)
    finally:
        if cluster is not None:
            cluster.stop()


def _run_platform(args: argparse.Namespace, database_url: str) -> int:
    ports = Ports(
        gateway=args.gateway_port,
        customer=args.customer_port,
        wallet=args.wallet_port,
        transaction=args.transaction_port,
        gateway_metrics=args.gateway_metrics_port,
        customer_metrics=args.customer_metrics_port,
        wallet_metrics=args.wallet_metrics_port,
        transaction_metrics=args.transaction_metrics_port,
    )
    base = dict(
        os.environ,
        TEKANA_DATABASE_URL=database_url,
        **dev_keys(args.state_dir),
        **internal_token(args.state_dir),
        **national_id_keys(args.state_dir),
    )
    per_component = component_env(ports=ports, database_prefix=args.database_prefix)
    for component in SERVICES:
        env = {**base, **per_component[component.name]}
        subprocess.run([sys.executable, "-m", component.module, "migrate"], env=env, check=True)
    starters = {
        c.name: _starter(c.module, {**base, **per_component[c.name]}) for c in (*SERVICES, GATEWAY)
    }
    return _supervise(start_all(starters), ready_url=f"http://127.0.0.1:{ports.gateway}/ready")


def _starter(module: str, env: dict[str, str]) -> Start:
    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", module], env=env)

    return start


def dev_keys(state_dir: Path) -> dict[str, str]:
    """A development signing key pair under ``.tekana/``, unless keys are configured."""
    configured = ("TEKANA_JWT_PRIVATE_KEY", "TEKANA_JWT_PRIVATE_KEY_FILE")
    if any(os.environ.get(name) for name in configured):
        return {}
    private_path = state_dir / "jwt-ed25519.pem"
    public_path = state_dir / "jwt-ed25519.pub.pem"
    if not private_path.exists():
        private_pem, public_pem = generate_key_pair()
        private_path.touch(mode=0o600)
        private_path.write_bytes(private_pem)
        public_path.write_bytes(public_pem)
        log.info("dev_keys_generated", path=str(private_path))
    return {
        "TEKANA_JWT_PRIVATE_KEY_FILE": str(private_path),
        "TEKANA_JWT_PUBLIC_KEY_FILE": str(public_path),
    }


def national_id_keys(state_dir: Path) -> dict[str, str]:
    """A development key for sealing national ids under ``.tekana/``, unless configured."""
    configured = ("TEKANA_NATIONAL_ID_KEYS", "TEKANA_NATIONAL_ID_KEYS_FILE")
    if any(os.environ.get(name) for name in configured):
        return {}
    path = state_dir / "national-id-keys.json"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(new_keys_text())
    return {"TEKANA_NATIONAL_ID_KEYS_FILE": str(path)}


def internal_token(state_dir: Path) -> dict[str, str]:
    """The token services demand of each other, made once under ``.tekana/`` unless set."""
    if os.environ.get("TEKANA_INTERNAL_TOKEN"):
        return {}
    path = state_dir / "internal-token"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32))
    return {"TEKANA_INTERNAL_TOKEN": path.read_text().strip()}


def _supervise(children: list[Supervised], *, ready_url: str) -> int:
    stopping = False

    def request_stop(signum: int, _: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    backoff = Backoff()
    announced = False
    exit_code = 0
    while not stopping:
        now = time.monotonic()
        if not all(child.check(backoff, now) for child in children):
            exit_code = 1
            break
        if not announced and _is_ready(ready_url):
            log.info("platform_ready", gateway=ready_url.removesuffix("/ready"))
            announced = True
        time.sleep(0.3)
    _stop_all({child.name: child.process for child in children})
    return exit_code


def _is_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback URL)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop_all(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in children.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for name, process in children.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("component_killed", component=name)
            process.kill()
            process.wait()
    log.info("platform_stopped")
