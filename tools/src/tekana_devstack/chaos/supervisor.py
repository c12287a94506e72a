"""The platform's four processes, each started, killed, paused and resumed on its own."""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tekana_devstack.bench.platform import bench_environment, wait_ready
from tekana_devstack.bench.processes import free_port
from tekana_devstack.components import GATEWAY, SERVICES, Component, Ports, component_env
from tekana_devstack.up import dev_keys, internal_token, national_id_keys

COMPONENTS: dict[str, Component] = {c.name: c for c in (*SERVICES, GATEWAY)}


@dataclass
class Supervisor:
    database_url: str
    state_dir: Path
    timeouts: dict[str, str]  # extra settings: the deadlines the campaign plays against
    ports: Ports = field(
        default_factory=lambda: Ports(
            gateway=free_port(),
            customer=free_port(),
            wallet=free_port(),
            transaction=free_port(),
            gateway_metrics=0,
            customer_metrics=0,
            wallet_metrics=0,
            transaction_metrics=0,
        )
    )
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway}"

    def _env(self, name: str) -> dict[str, str]:
        per_component = component_env(ports=self.ports, database_prefix="tekana_chaos")
        return {
            **bench_environment(),
            "TEKANA_DATABASE_URL": self.database_url,
            **dev_keys(self.state_dir),
            **internal_token(self.state_dir),
            **national_id_keys(self.state_dir),
            **per_component[name],
            **self.timeouts,
        }

    def migrate(self) -> None:
        for component in SERVICES:
            subprocess.run(
                [sys.executable, "-m", component.module, "migrate"],
                env=self._env(component.name),
                check=True,
                stdout=subprocess.DEVNULL,
            )

    def start(self, name: str) -> None:
        log = (self.state_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", COMPONENTS[name].module],
            env=self._env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def start_all(self) -> None:
        for name in COMPONENTS:
            self.start(name)
        wait_ready(self.url)

    def kill(self, name: str) -> None:
        process = self.processes[name]
        process.send_signal(signal.SIGKILL)
        process.wait()

    def pause(self, name: str) -> None:
        os.kill(self.processes[name].pid, signal.SIGSTOP)

    def resume(self, name: str) -> None:
        os.kill(self.processes[name].pid, signal.SIGCONT)

    def alive(self) -> dict[str, bool]:
        return {name: p.poll() is None for name, p in self.processes.items()}

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logged_errors(self, *, per_component: int = 5) -> dict[str, list[str]]:
        """The last error lines each component logged (its log is JSON lines)."""
        found = {}
        for name in COMPONENTS:
            path = self.state_dir / f"{name}.log"
            lines = path.read_text(errors="replace").splitlines() if path.exists() else []
            errors = [_summary(line) for line in lines if '"level": "error"' in line]
            if errors:
                found[name] = errors[-per_component:]
        return found


def _summary(line: str) -> str:
    """An error log line as its event and the exception's last line."""
    try:
        entry = json.loads(line)
    except ValueError:
        return line[:300]
    exception = str(entry.get("exception", "")).strip().splitlines()
    return f"{entry.get('event')}: {exception[-1] if exception else ''}"[:300]
