#!/bin/bash
# make check-wine10: the suite of make test under Debian 13's Wine 10.0
# (libical 3.0.20, cmocka 1.1.7, GCC 14) beside the host's Wine 8.0: a
# Debian 13 root file system built from Debian's archive with mmdebstrap
# (cached in ROOTFS and reused while its package list is the same), this
# source copied into it, then make test run there through chroot.  The
# JUnit XML and logs land in build/test-results/wine10/.
#
# Needs root (chroot and bind mounts); mmdebstrap is installed when
# missing.  Usage: scripts/wine10.sh [ROOTFS]   (default build/wine10/rootfs)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
rootfs=${1:-$top/build/wine10/rootfs}
results=$top/build/test-results/wine10
mirror=${WINE10_MIRROR:-http://deb.debian.org/debian}

if [ "$(id -u)" != 0 ]; then
    echo "make check-wine10: needs root (chroot and bind mounts into the Debian 13 root file system)" >&2
    exit 2
fi
command -v mmdebstrap > /dev/null || {
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap
}

# Everything make test installs (scripts/deps.sh test) and what winegcc 10
# wants besides: it stops with "Could not find g++" without a C++ compiler.
packages=$(sh -c '. /dev/stdin; echo $build_pkgs $test_pkgs' <<< "$(sed -n '/^build_pkgs=/,/^$/p' "$top/scripts/deps.sh")")
packages="$packages make gcc g++ git ca-certificates"
stamp="trixie $(tr ' ' '\n' <<< "$packages" | sort -u | tr '\n' ' ')"

started=$(date +%s)
if [ ! -f "$rootfs/.trackfix-rootfs" ] || [ "$(cat "$rootfs/.trackfix-rootfs")" != "$stamp" ]; then
    echo "check-wine10: building the Debian 13 root file system in $rootfs (mmdebstrap, a few minutes)"
    rm -rf "$rootfs"
    mkdir -p "$(dirname "$rootfs")"
    # Postfix unconfigured, as scripts/deps.sh installs it
    mmdebstrap --variant=apt --include="$(tr -s ' \n' ',' <<< "$packages" | sed 's/^,//; s/,$//')" \
        --essential-hook='echo "postfix postfix/main_mailer_type select No configuration" | chroot "$1" debconf-set-selections' \
        trixie "$rootfs" "$mirror"
    printf '%s' "$stamp" > "$rootfs/.trackfix-rootfs"
    echo "check-wine10: root file system made in $(( $(date +%s) - started )) s"
else
    echo "check-wine10: reusing the Debian 13 root file system in $rootfs"
fi

mounted=()
cleanup() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2> /dev/null || true; done
}
trap cleanup EXIT
for dir in proc sys dev dev/pts; do
    mount --bind "/$dir" "$rootfs/$dir"
    mounted+=("$rootfs/$dir")
done

# this source as it is now (the build folder left out), in /src
rm -rf "$rootfs/src"
mkdir -p "$rootfs/src"
tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$rootfs/src" -xf -

tested=$(date +%s)
status=0
chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    bash -c 'cd /src && wine --version && make test' || status=$?
rm -rf "$results"
mkdir -p "$results"
cp -r "$rootfs/src/build/test-results/." "$results/" 2> /dev/null || true
echo "check-wine10: make test under Wine 10 took $(( $(date +%s) - tested )) s (exit $status); results in $results"
exit "$status"
