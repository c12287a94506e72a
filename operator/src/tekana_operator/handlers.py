"""kopf handlers: reconcile on create, update, resume and on a timer (which undoes drift);
on delete, keep or remove the managed database's volume as the spec says."""

import logging
import os
from typing import Any, cast

import kopf
from kubernetes.client.exceptions import ApiException

from tekana_operator import network
from tekana_operator.cluster import Cluster, api_client
from tekana_operator.reconcile import reconcile
from tekana_operator.stack import parse
from tekana_operator.status import Observed, compute

Logger = logging.Logger | logging.LoggerAdapter[Any]
GROUP, VERSION, PLURAL = "tekana.io", "v1alpha1", "tekanastacks"
RESYNC_SECONDS = float(os.environ.get("TEKANA_OPERATOR_RESYNC_SECONDS", "30"))
# Refusals that a retry cannot fix: the spec (or our rendering of it) is wrong.
PERMANENT_STATUSES = {400, 403, 422}


@kopf.on.startup()
def configure(settings: kopf.OperatorSettings, memo: kopf.Memo, **_: Any) -> None:
    """The operator's settings, and the cluster client every handler is given (kopf's
    ``memo``, so no module holds it)."""
    settings.persistence.finalizer = "tekana.io/finalizer"
    settings.posting.level = logging.INFO
    memo["cluster"] = Cluster(api_client())


def _cluster(memo: kopf.Memo) -> Cluster:
    return cast(Cluster, memo["cluster"])


@kopf.on.login()
def login(**kwargs: Any) -> kopf.ConnectionInfo | None:
    """In a pod, the service account; elsewhere, the kubeconfig (KUBECONFIG)."""
    return kopf.login_with_service_account(**kwargs) or kopf.login_with_kubeconfig(**kwargs)


@kopf.on.create(GROUP, VERSION, PLURAL)
@kopf.on.update(GROUP, VERSION, PLURAL)
@kopf.on.resume(GROUP, VERSION, PLURAL)
@kopf.timer(GROUP, VERSION, PLURAL, interval=RESYNC_SECONDS, initial_delay=RESYNC_SECONDS)
def reconcile_stack(
    body: kopf.Body,
    status: kopf.Status,
    patch: kopf.Patch,
    logger: Logger,
    memo: kopf.Memo,
    retry: int = 0,
    **_: Any,
) -> None:
    if body.metadata.get("deletionTimestamp"):
        # Being deleted: re-creating children now would only hand garbage collection more work.
        return
    stack, cluster = parse(dict(body)), _cluster(memo)
    try:
        observed = reconcile(cluster, stack, logger)
    except ApiException as exc:
        permanent = exc.status in PERMANENT_STATUSES
        _report(stack, status, patch, Observed({}, False, f"{exc.status}: {exc.reason}", permanent))
        failed = f"the API server answered {exc.status}: {exc.reason}"
        _post(cluster, body, "ReconcileFailed", failed, True)
        if permanent:
            raise kopf.PermanentError(f"the API server refused a child: {exc.reason}") from exc
        # Back off: 5 s, 10 s, 20 s ... at most 5 minutes between attempts.
        delay = min(5 * 2 ** min(retry, 6), 300)
        raise kopf.TemporaryError(f"API error {exc.status}; retrying", delay=delay) from exc
    for reason, message in observed.events:
        _post(cluster, body, reason, message, False)
    _report(stack, status, patch, observed)


def _post(cluster: Cluster, body: kopf.Body, reason: str, message: str, warning: bool) -> None:
    reference = {
        "apiVersion": f"{GROUP}/{VERSION}",
        "kind": "TekanaStack",
        "name": body.metadata.name or "",
        "namespace": body.metadata.namespace or "",
        "uid": body.metadata.uid or "",
    }
    try:
        cluster.event(reference, reason=reason, message=message, warning=warning)
    except ApiException:
        # Events help people; failing to post one must not fail the reconcile.
        logging.getLogger(__name__).warning("could not post event %s", reason)


def _report(stack: Any, status: kopf.Status, patch: kopf.Patch, observed: Observed) -> None:
    patch.status.update(
        compute(
            observed,
            generation=stack.generation,
            gateway_url=network.gateway_url(stack),
            previous=dict(status),
        )
    )


@kopf.on.delete(GROUP, VERSION, PLURAL)
def finalize(body: kopf.Body, logger: Logger, memo: kopf.Memo, **_: Any) -> None:
    """Children go with their owner; the database's claims are not owned, so decide here."""
    stack = parse(dict(body))
    if stack.database.mode != "managed" or stack.database.retain_volume:
        logger.info("keeping the database volume of %s", stack.name)
        return
    selector = f"app.kubernetes.io/instance={stack.name},app.kubernetes.io/component=database"
    _cluster(memo).delete_all("v1", "PersistentVolumeClaim", stack.namespace, selector)
    logger.info("deleted the database volume of %s", stack.name)
