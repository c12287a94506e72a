"""Runs a stack's reconciles one at a time, whoever asks: kopf on a spec change, a child
that changed (a Job done, a Deployment ready), or the periodic resync. An ask while one
runs makes it run once more afterwards, from the stack as it then is; asks coalesce."""

import logging
import threading
from typing import Any

from kubernetes.client.exceptions import ApiException

from tekana_operator import network
from tekana_operator.cluster import Cluster, refusal
from tekana_operator.meta import GROUP_VERSION, KIND
from tekana_operator.reconcile import reconcile
from tekana_operator.stack import parse
from tekana_operator.status import Observed, compute

log = logging.getLogger(__name__)
# Refusals that a retry cannot fix: the spec (or our rendering of it) is wrong.
PERMANENT_STATUSES = {400, 403, 422}


class ReconcileFailed(RuntimeError):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Runner:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._lock = threading.Lock()
        self._running: set[tuple[str, str]] = set()
        self._again: set[tuple[str, str]] = set()

    def stacks(self, namespace: str) -> list[tuple[str, str]]:
        """(namespace, name) of every stack in ``namespace`` ('' for all)."""
        found = self.cluster.list(GROUP_VERSION, KIND, namespace or None, "")
        return [(s["metadata"]["namespace"], s["metadata"]["name"]) for s in found]

    def run(self, namespace: str, name: str) -> None:
        """Reconcile the stack now, or have the running reconcile go once more.
        ``ReconcileFailed`` when the API server refused a part of it."""
        key = (namespace, name)
        with self._lock:
            if key in self._running:
                self._again.add(key)
                return
            self._running.add(key)
        try:
            while True:
                self._once(namespace, name)
                with self._lock:
                    if key not in self._again:
                        return
                    self._again.discard(key)
        finally:
            with self._lock:
                self._running.discard(key)
                self._again.discard(key)

    def run_quietly(self, namespace: str, name: str) -> None:
        """``run``, with a failure only logged: the stack's status and events say it."""
        try:
            self.run(namespace, name)
        except ReconcileFailed as exc:
            log.warning("reconcile of %s/%s failed: %s", namespace, name, exc)
        except ApiException as exc:
            log.warning("could not read %s/%s: %s", namespace, name, exc.reason)

    def _once(self, namespace: str, name: str) -> None:
        body = self.cluster.get(GROUP_VERSION, KIND, name, namespace)
        if body is None or body["metadata"].get("deletionTimestamp"):
            # Gone or going: re-creating children now would only hand garbage collection work.
            return
        stack = parse(body)
        failure: ReconcileFailed | None = None
        try:
            observed = reconcile(self.cluster, stack, log)
        except ApiException as exc:
            permanent = exc.status in PERMANENT_STATUSES
            observed = Observed({}, False, refusal(exc), permanent)
            failure = ReconcileFailed(
                f"the API server answered {exc.status}: {refusal(exc)}", permanent=permanent
            )
            self._post(body, "ReconcileFailed", str(failure), warning=True)
        for reason, message in observed.events:
            self._post(body, reason, message, warning=False)
        if observed.warning:
            self._post(body, "DevelopmentDatabase", observed.warning, warning=True)
        if observed.error and failure is None:
            # Met again at the next resync, it is counted on this one (Cluster.event).
            self._post(body, "Refused", observed.error, warning=True)
        status = compute(
            observed,
            generation=stack.generation,
            gateway_url=network.gateway_url(stack),
            previous=dict(body.get("status") or {}),
        )
        self.cluster.patch_status(GROUP_VERSION, KIND, name, namespace, status)
        if failure:
            raise failure

    def _post(self, body: dict[str, Any], reason: str, message: str, *, warning: bool) -> None:
        meta = body["metadata"]
        reference = {
            "apiVersion": GROUP_VERSION,
            "kind": KIND,
            "name": meta["name"],
            "namespace": meta["namespace"],
            "uid": meta["uid"],
        }
        try:
            self.cluster.event(reference, reason=reason, message=message, warning=warning)
        except ApiException:
            # Events help people; failing to post one must not fail the reconcile.
            log.warning("could not post event %s", reason)
