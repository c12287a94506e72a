"""What the cluster tests share: whether a node can run here, waiting, and kubectl."""

import subprocess
import time
import uuid
from collections.abc import Callable
from typing import Any

from tekana_devstack.cluster.layout import BIN, Network, State

# The cluster tests' node, apart from a developer's own cluster (index 0).
NODE_NETWORK = Network(index=3)


def namespaces_impossible() -> str:
    """Why this machine cannot make a network namespace, or '' when it can."""
    probe = f"tekana-probe-{uuid.uuid4().hex[:8]}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return made.stderr.strip() or "ip netns add failed"
    subprocess.run(["ip", "netns", "del", probe], check=False)
    return ""


def eventually(check: Callable[[], Any], *, seconds: float = 90, what: str) -> Any:
    """``check()``'s first truthy answer within ``seconds``; else an AssertionError naming
    ``what`` and the last answer."""
    deadline = time.monotonic() + seconds
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.5)
    raise AssertionError(f"{what} within {seconds:.0f} s (last: {last!r})")


def kubectl(state: State, *args: str, stdin: str | None = None) -> str:
    """kubectl (of the server's version) on the cluster; its output, or an AssertionError
    with what it said."""
    done = subprocess.run(
        [str(BIN / "kubectl"), f"--kubeconfig={state.kubeconfig}", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"kubectl {' '.join(args)}: {done.stderr}"
    return done.stdout
