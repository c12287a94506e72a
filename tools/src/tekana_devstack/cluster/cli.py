"""``python -m tekana_devstack cluster {up,down,dns,volumes}``: the ``cluster:*`` tasks."""

import argparse
from pathlib import Path

from tekana_devstack.cluster import dns, node, volumes
from tekana_devstack.cluster.layout import Network, State


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    for action, text in (
        ("up", "start a one-node cluster and return once the node is Ready"),
        ("down", "stop the cluster and remove its network namespace"),
        ("dns", "keep the cluster's DNS records equal to its Services (run by up)"),
        ("volumes", "give each pending volume claim a hostPath volume (run by up)"),
    ):
        sub = actions.add_parser(action, help=text)
        sub.add_argument("--index", type=int, default=0, help="keeps two clusters apart")
        sub.add_argument("--state", type=Path, default=None, help="default: .tekana/cluster")


def run(args: argparse.Namespace) -> int:
    network = Network(args.index)
    state = State(args.state) if args.state else State.default()
    if args.action == "dns":
        return dns.run(args)
    if args.action == "volumes":
        return volumes.run(args)
    if args.action == "down":
        node.stop(network, state)
        print(f"cluster {network.namespace} stopped")
        return 0
    try:
        node.start(network, state)
    except node.ClusterError as exc:
        print(f"cluster: {exc}")
        node.stop(network, state)
        return 1
    print(f"node {network.namespace} Ready; KUBECONFIG={state.kubeconfig} (API {network.api_url})")
    return 0
