"""One real node for the cluster tests (tools/cluster, `./taskw cluster:up`), with every
image a stack runs built here, offline, and loaded into it."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client, config

from tekana_devstack.cluster import images, node
from tekana_devstack.cluster.layout import State, missing_programs
from tests.support.cluster import NODE_NETWORK as NETWORK
from tests.support.cluster import namespaces_impossible


@pytest.fixture(scope="package")
def node_possible() -> None:
    why = namespaces_impossible()
    if why:
        pytest.skip(f"network namespaces are impossible here: {why}")
    missing = missing_programs()
    if missing:
        pytest.fail(f"missing {missing}: ./taskw system-tools builds and installs them")


@pytest.fixture(scope="package")
def cluster(node_possible: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[State]:
    state = State(tmp_path_factory.mktemp("cluster"))
    started = time.monotonic()
    node.start(NETWORK, state)
    print(f"node Ready {time.monotonic() - started:.1f} s after start")
    try:
        started = time.monotonic()
        archive = images.build_all()
        print(f"images built {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        images.load_archive(state, images.base_archive())
        images.load_archive(state, archive)
        print(f"images loaded {time.monotonic() - started:.1f} s")
        yield state
    finally:
        node.stop(NETWORK, state)


@pytest.fixture(scope="package")
def api_client(cluster: State) -> client.ApiClient:
    made: client.ApiClient = config.new_client_from_config(  # type: ignore[no-untyped-call]
        str(cluster.kubeconfig)
    )
    return made


@pytest.fixture(scope="package")
def core(api_client: client.ApiClient) -> Any:
    """The core API (as Any: the client types every field Optional, and the tests assert
    on each field they read)."""
    return client.CoreV1Api(api_client)
