"""kopf handlers. A stack is reconciled when its spec changes, when one of its workloads
changes (so its status follows within seconds, and a finished migration rolls the
Deployments at once) or one of its Secrets does, and every TEKANA_OPERATOR_RESYNC_SECONDS
(which undoes drift).

No finalizer: nothing needs the operator at deletion (children, and a volume the spec
says not to keep, are owned by the stack, so garbage collection removes them), and a
finalizer would leave a stack hanging on delete while the operator is down. kopf adds
one for a timer or a deletion handler, so there is neither: the resync is a task of the
operator's own."""

import asyncio
import logging
import os
from typing import Any, cast

import kopf

from tekana_operator.cluster import Cluster, load_config
from tekana_operator.meta import KIND
from tekana_operator.runner import ReconcileFailed, Runner

GROUP, VERSION, PLURAL = "tekana.io", "v1alpha1", "tekanastacks"
RESYNC_SECONDS = float(os.environ.get("TEKANA_OPERATOR_RESYNC_SECONDS", "30"))
NAMESPACE = os.environ.get("TEKANA_OPERATOR_NAMESPACE", "")
OURS = {"app.kubernetes.io/managed-by": "tekana-operator"}
INSTANCE = "app.kubernetes.io/instance"


@kopf.on.startup()
async def configure(settings: kopf.OperatorSettings, memo: kopf.Memo, **_: Any) -> None:
    """The operator's settings, the runner every handler is given (kopf's ``memo``, so no
    module holds it), and the resync task."""
    settings.posting.level = logging.INFO
    load_config()
    memo["runner"] = runner = Runner(Cluster())
    memo["resync"] = asyncio.create_task(_resync(runner))


@kopf.on.cleanup()
async def stop_resync(memo: kopf.Memo, **_: Any) -> None:
    task = cast(asyncio.Task[None], memo["resync"])
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def _resync(runner: Runner) -> None:
    while True:
        await asyncio.sleep(RESYNC_SECONDS)
        # Whatever one round meets (the API server away, a stack that cannot be read), the
        # task goes on: it is the operator's only periodic reconcile.
        try:
            for namespace, name in await asyncio.to_thread(runner.stacks, NAMESPACE):
                await asyncio.to_thread(runner.run_quietly, namespace, name)
        except Exception:
            logging.getLogger(__name__).warning("resync round failed", exc_info=True)


def _runner(memo: kopf.Memo) -> Runner:
    return cast(Runner, memo["runner"])


@kopf.on.login()
def login(**kwargs: Any) -> kopf.ConnectionInfo | None:
    """In a pod, the service account; elsewhere, the kubeconfig (KUBECONFIG)."""
    return kopf.login_with_service_account(**kwargs) or kopf.login_with_kubeconfig(**kwargs)


@kopf.on.create(GROUP, VERSION, PLURAL)
@kopf.on.update(GROUP, VERSION, PLURAL)
@kopf.on.resume(GROUP, VERSION, PLURAL)
def reconcile_stack(body: kopf.Body, memo: kopf.Memo, retry: int = 0, **_: Any) -> None:
    try:
        _runner(memo).run(body.metadata.namespace or "", body.metadata.name or "")
    except ReconcileFailed as exc:
        if exc.permanent:
            raise kopf.PermanentError(str(exc)) from exc
        # Back off: 5 s, 10 s, 20 s ... at most 5 minutes between attempts.
        raise kopf.TemporaryError(str(exc), delay=min(5 * 2 ** min(retry, 6), 300)) from exc


@kopf.on.event("apps", "v1", "deployments", labels=OURS)
@kopf.on.event("apps", "v1", "statefulsets", labels=OURS)
@kopf.on.event("batch", "v1", "jobs", labels=OURS)
@kopf.on.event("", "v1", "secrets", labels=OURS)
def workload_changed(body: kopf.Body, memo: kopf.Memo, **_: Any) -> None:
    """A workload or a secret of a stack changed (a Job done, a Deployment ready, a secret
    deleted): reconcile its stack now."""
    owner = next((r for r in body.metadata.get("ownerReferences") or [] if r["kind"] == KIND), None)
    if owner is not None:
        _runner(memo).run_quietly(body.metadata.namespace or "", owner["name"])
