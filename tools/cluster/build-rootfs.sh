#!/bin/sh
# build-rootfs.sh NAME PACKAGE[,PACKAGE…]: makes, once, a Debian root filesystem for the
# local cluster's images (no container registry is reachable here): bookworm minbase plus
# PACKAGES, by debootstrap from the machine's own Debian mirror, packed as
# ${TEKANA_CLUSTER_CACHE:-$HOME/.cache/tekana-cluster}/debian-bookworm-NAME.tar.
# Every later call returns at once.
set -eu
[ $# -eq 2 ] || { echo "usage: build-rootfs.sh NAME PACKAGE[,PACKAGE...]" >&2; exit 2; }
name=$1 packages=$2

cache=${TEKANA_CLUSTER_CACHE:-$HOME/.cache/tekana-cluster}
tarball="$cache/debian-bookworm-$name.tar"
[ -f "$tarball" ] && exit 0

# The machine's own Debian mirror, as its apt configuration names it.
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs: *//p' | head -n 1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \([^ ]*\) bookworm .*/\1/p' /etc/apt/sources.list | head -n 1)
[ -n "$mirror" ] || { echo "cluster: no Debian mirror in the apt configuration" >&2; exit 1; }
root="$cache/rootfs-$name"
rm -rf "$root"
mkdir -p "$root"
echo "cluster: making the Debian $name image's root filesystem in $cache (once)" >&2
debootstrap --variant=minbase --include="$packages" \
    bookworm "$root" "$mirror" >"$cache/debootstrap-$name.log" 2>&1 || {
    tail -20 "$cache/debootstrap-$name.log" >&2
    exit 1
}
# Nothing of the build machine stays in the image: no apt lists, no caches, no resolver.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/etc/resolv.conf
tar -C "$root" -cf "$tarball.part" .
mv "$tarball.part" "$tarball"
rm -rf "$root"
echo "cluster: $name root filesystem ready: $tarball" >&2
