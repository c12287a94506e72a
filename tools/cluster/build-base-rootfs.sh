#!/bin/sh
# Makes, once, the Debian root filesystem every image of the local cluster starts from (no
# container registry is reachable here): bookworm with Python 3.11 (for venvs), by
# debootstrap from Debian's own mirror, packed as a tarball under
# ${TEKANA_CLUSTER_CACHE:-$HOME/.cache/tekana-cluster}. Every later call returns at once.
set -eu

cache=${TEKANA_CLUSTER_CACHE:-$HOME/.cache/tekana-cluster}
tarball="$cache/debian-bookworm-python.tar"
[ -f "$tarball" ] && exit 0

# The machine's own Debian mirror, as its apt configuration names it.
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs: *//p' | head -n 1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \([^ ]*\) bookworm .*/\1/p' /etc/apt/sources.list | head -n 1)
[ -n "$mirror" ] || { echo "cluster: no Debian mirror in the apt configuration" >&2; exit 1; }
root="$cache/rootfs"
rm -rf "$root"
mkdir -p "$root"
echo "cluster: making the Debian base image in $cache (once)" >&2
debootstrap --variant=minbase \
    --include=python3,python3-venv,python-is-python3,ca-certificates \
    bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
    tail -20 "$cache/debootstrap.log" >&2
    exit 1
}
# Nothing of the build machine stays in the image: no apt lists, no caches, no resolver.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/etc/resolv.conf
tar -C "$root" -cf "$tarball.part" .
mv "$tarball.part" "$tarball"
rm -rf "$root"
echo "cluster: base image ready: $tarball" >&2
