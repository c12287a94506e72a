"""The cluster's DNS: Debian has no CoreDNS, so dnsmasq answers from a hosts file that
this loop keeps equal to the Services and Endpoints (``name.namespace.svc.<domain>``: a
Service's cluster IP, or a headless one's endpoints, and each endpoint's hostname)."""

import argparse
import contextlib
import os
import signal
import time
from typing import Any

from tekana_devstack.cluster.api import ApiError, get
from tekana_devstack.cluster.layout import CLUSTER_DOMAIN, Network, State

POLL_SECONDS = 0.5


def records(services: list[dict[str, Any]], endpoints: list[dict[str, Any]]) -> list[str]:
    """The hosts-file lines for these Services and Endpoints, sorted."""
    lines: set[str] = set()
    headless: set[tuple[str, str]] = set()
    for service in services:
        meta, spec = service["metadata"], service.get("spec", {})
        name = f"{meta['name']}.{meta['namespace']}.svc.{CLUSTER_DOMAIN}"
        ip = spec.get("clusterIP")
        if ip and ip != "None":
            lines.add(f"{ip} {name}")
        elif ip == "None":
            headless.add((meta["namespace"], meta["name"]))
    for endpoint in endpoints:
        meta = endpoint["metadata"]
        key = (meta["namespace"], meta["name"])
        name = f"{meta['name']}.{meta['namespace']}.svc.{CLUSTER_DOMAIN}"
        for subset in endpoint.get("subsets") or []:
            for address in subset.get("addresses") or []:
                if key in headless:
                    lines.add(f"{address['ip']} {name}")
                if address.get("hostname"):
                    lines.add(f"{address['ip']} {address['hostname']}.{name}")
    return sorted(lines)


def follow(network: Network, state: State) -> None:
    """Rewrite the hosts file whenever the records change, and have dnsmasq reread it."""
    hosts = state.path("dns", "hosts")
    written = None
    while True:
        try:
            services = get(network, state, "/api/v1/services")["items"]
            endpoints = get(network, state, "/api/v1/endpoints")["items"]
        except ApiError:
            time.sleep(POLL_SECONDS)
            continue
        text = "".join(f"{line}\n" for line in records(services, endpoints))
        if text != written:
            partial = hosts.with_suffix(".part")
            partial.write_text(text)
            partial.rename(hosts)
            written = text
            _reload_dnsmasq(state)
        time.sleep(POLL_SECONDS)


def _reload_dnsmasq(state: State) -> None:
    pid_file = state.path("pids", "dnsmasq.pid")
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(pid_file.read_text()), signal.SIGHUP)


def run(args: argparse.Namespace) -> int:
    follow(Network(args.index), State(args.state) if args.state else State.default())
    return 0
