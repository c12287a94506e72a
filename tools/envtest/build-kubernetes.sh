#!/bin/sh
# Builds Kubernetes programs once from Debian's `kubernetes` source package (no registry
# ships the binaries) and caches them outside the repository, under
# ${TEKANA_ENVTEST_DIR:-$HOME/.cache/tekana-envtest}/bin. Arguments name the programs:
# kube-apiserver and kube-controller-manager (the API-server tests; about 13 minutes on 2
# cores), kubelet, kube-scheduler and kube-proxy (a real node; about 5 more), kubectl (of
# the same version as the server), and pause (the pod sandbox, compiled from the same
# source). Only the missing ones are built; every
# later call returns at once. Also installs etcd, which the API server stores into.
set -eu

cache=${TEKANA_ENVTEST_DIR:-$HOME/.cache/tekana-envtest}
version="1.20.5+really1.20.2-1.1+deb12u1"
bin="$cache/bin"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo

if ! command -v etcd >/dev/null 2>&1; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq etcd-server >/dev/null
fi
[ "$#" -gt 0 ] || set -- kube-apiserver kube-controller-manager
missing=""
for program in "$@"; do
    [ -x "$bin/$program" ] || missing="$missing $program"
done
[ -n "$missing" ] || exit 0

echo "envtest: building$missing ($version) into $bin (once)" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    golang-go rsync dpkg-dev golang-github-modern-go-reflect2-dev >/dev/null

# A private apt state whose deb-src entries are the machine's own deb entries, so the
# system's apt configuration is left as it is.
apt_dir="$cache/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/parts"
for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && sed 's/^Types: deb$/Types: deb-src/' "$f" > "$apt_dir/parts/$(basename "$f")"
done
if [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > "$apt_dir/parts/legacy.list"
fi
apt_opts="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt_dir/parts \
    -o Dir::State::Lists=$apt_dir/lists"
# shellcheck disable=SC2086
apt-get $apt_opts update -qq

work="$cache/src"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
# shellcheck disable=SC2086
apt-get $apt_opts source -qq "kubernetes=$version" >/dev/null
cd kubernetes-*/

# The vendored reflect2 crashes the server on the first custom-resource write with Go 1.19;
# Debian's packaged 1.0.2 does not.
rm -rf vendor/github.com/modern-go/reflect2
cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 vendor/github.com/modern-go/reflect2

mkdir -p "$bin"
what=""
for program in $missing; do
    [ "$program" = pause ] || what="$what cmd/$program"
done
if [ -n "$what" ]; then
    make WHAT="${what# }" >"$cache/build.log" 2>&1 || {
        tail -40 "$cache/build.log" >&2
        exit 1
    }
    for program in $missing; do
        [ "$program" = pause ] || cp "_output/bin/$program" "$bin/"
    done
fi
case " $missing " in
    *" pause "*)
        source_file=$(find build/pause -name pause.c | head -n 1)
        gcc -Os -static -DVERSION="$version" -o "$bin/pause" "$source_file" ;;
esac
cd "$cache"
rm -rf "$work"
echo "envtest: ready in $bin" >&2
