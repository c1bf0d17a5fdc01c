#!/usr/bin/env bash
# Builds a minimal Debian bookworm base image without a container registry: debootstrap a minbase
# root file system from the Debian mirror that apt on this machine already uses, then import it as
# agent-conformance/debian:bookworm. The per-server Dockerfiles take it as `--build-arg BASE=...`.
#
# Idempotent: does nothing when the image already exists (set FORCE=1 to rebuild).
# Needs root (debootstrap), a running Docker engine, and the debootstrap package.
#
#   bash docker/build-base.sh            # image name from $BASE_IMAGE, default below
#   MIRROR=http://... bash docker/build-base.sh
set -euo pipefail

image="${BASE_IMAGE:-agent-conformance/debian:bookworm}"
suite="${SUITE:-bookworm}"

if [[ "${FORCE:-0}" != 1 ]] && docker image inspect "$image" >/dev/null 2>&1; then
	echo "build-base: $image exists, skipping (FORCE=1 rebuilds)"
	exit 0
fi

# The first Debian mirror apt is configured with (deb822 `URIs:` or one-line `deb` entries),
# so the build reaches no host the machine does not already use.
find_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
		[[ -r "$f" ]] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /debian\/?$/) { print $i; exit } }' "$f")
		if [[ -n "$uri" ]]; then
			echo "$uri"
			return
		fi
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -r "$f" ]] || continue
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/ && $i ~ /debian\/?$/) { print $i; exit } }' "$f")
		if [[ -n "$uri" ]]; then
			echo "$uri"
			return
		fi
	done
}

mirror="${MIRROR:-$(find_mirror)}"
if [[ -z "$mirror" ]]; then
	echo "build-base: no Debian mirror found in apt's sources; set MIRROR" >&2
	exit 1
fi
command -v debootstrap >/dev/null || {
	echo "build-base: debootstrap missing (apt-get install -y debootstrap)" >&2
	exit 1
}

rootfs=$(mktemp -d /tmp/agent-conformance-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT

start=$(date +%s)
echo "build-base: debootstrap --variant=minbase $suite from $mirror"
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
	tail -20 "$rootfs.log" >&2
	rm -f "$rootfs.log"
	exit 1
}
rm -f "$rootfs.log"

# Keep the image small and make apt inside `docker build` use the same mirror.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
printf 'deb %s %s main\n' "$mirror" "$suite" >"$rootfs/etc/apt/sources.list"

tar -C "$rootfs" -c . | docker import \
	--change 'ENV DEBIAN_FRONTEND=noninteractive' \
	--change 'CMD ["/bin/bash"]' \
	- "$image" >/dev/null
echo "build-base: $image built in $(($(date +%s) - start)) s"
