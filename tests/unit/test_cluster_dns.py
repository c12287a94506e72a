"""The local cluster's DNS records, from Services and Endpoints as the API lists them."""

from typing import Any

from tekana_devstack.cluster.dns import records


def _service(name: str, ip: str, namespace: str = "tekana") -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": namespace}, "spec": {"clusterIP": ip}}


def _endpoints(name: str, *addresses: dict[str, str], namespace: str = "tekana") -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": namespace},
        "subsets": [{"addresses": list(addresses)}],
    }


def test_a_service_resolves_to_its_cluster_ip_not_its_pods() -> None:
    lines = records(
        [_service("wallet", "10.197.0.20")], [_endpoints("wallet", {"ip": "10.198.0.7"})]
    )
    assert lines == ["10.197.0.20 wallet.tekana.svc.cluster.local"]


def test_a_headless_service_resolves_to_every_endpoint_and_each_hostname() -> None:
    lines = records(
        [_service("postgres", "None")],
        [
            _endpoints(
                "postgres",
                {"ip": "10.198.0.5", "hostname": "postgres-0"},
                {"ip": "10.198.0.6"},
            )
        ],
    )
    assert lines == [
        "10.198.0.5 postgres-0.postgres.tekana.svc.cluster.local",
        "10.198.0.5 postgres.tekana.svc.cluster.local",
        "10.198.0.6 postgres.tekana.svc.cluster.local",
    ]


def test_services_without_an_ip_or_endpoints_have_no_record() -> None:
    external = {"metadata": {"name": "db", "namespace": "x"}, "spec": {"type": "ExternalName"}}
    assert records([external, _service("idle", "None")], [_endpoints("idle")]) == []
