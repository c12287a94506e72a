"""The few API calls the cluster's own tooling makes (readiness, DNS records, volumes), over the
admin token, with the API server's own certificate as the authority."""

import json
import ssl
import urllib.error
import urllib.request
from typing import Any

from tekana_devstack.cluster.configs import ADMIN_TOKEN
from tekana_devstack.cluster.layout import Network, State


class ApiError(RuntimeError):
    pass


def certificate(state: State) -> str:
    return str(state.path("certs", "apiserver.crt"))


def get(network: Network, state: State, path: str, *, verify: bool = True) -> Any:
    """The JSON at ``path``; ``verify=False`` only to ask whether the server is up yet,
    before its certificate exists."""
    return call(network, state, "GET", path, verify=verify)


def call(
    network: Network,
    state: State,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    verify: bool = True,
) -> Any:
    """``method`` on ``path`` (with ``body`` as JSON); the answer's JSON."""
    if verify:
        context = ssl.create_default_context(cafile=certificate(state))
    else:
        context = ssl._create_unverified_context()  # noqa: S323 (is it up? nothing is sent)
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    data = None
    if body is not None:
        # A PATCH is a JSON merge patch; anything else sends the whole object.
        kind = "application/merge-patch+json" if method == "PATCH" else "application/json"
        data, headers["Content-Type"] = json.dumps(body).encode(), kind
    request = urllib.request.Request(  # noqa: S310 (an https URL of our own cluster)
        f"{network.api_url}{path}", data=data, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=5, context=context) as response:  # noqa: S310
            answer = response.read()
    except (urllib.error.URLError, OSError) as exc:
        raise ApiError(f"{method} {path}: {exc}") from exc
    return json.loads(answer) if answer.startswith((b"{", b"[")) else answer.decode()
