#!/usr/bin/env bash
# Builds the two local base images the container test passes to the Dockerfile, for machines that
# cannot reach an image registry (podman import, no pull):
#   runtime: Debian bookworm minbase + this host's own node and npm, laid out like the official
#            node images (/usr/local/bin/node, /usr/local/lib/node_modules/npm)
#   build:   runtime + python3, make, g++ and node's headers (/usr/local/include/node)
# The host's CA bundle goes in as well, so npm inside the build trusts the same egress as the host.
# Both are cached by tag (node version + this script's hash); a second run only prints the tags.
# Usage: test/container/base-images.sh  → prints "RUNTIME_IMAGE BUILD_IMAGE". Needs root.
set -euo pipefail

mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
node_bin="$(command -v node)"
node_version="$(node --version)"
node_prefix="$(dirname "$(dirname "$(readlink -f "$node_bin")")")"
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
headers="$node_prefix/include/node"
script_hash="$(sha256sum "$0" | cut -c1-12)"
tag="${node_version#v}-${script_hash}"
runtime_image="localhost/relaypool-base-runtime:$tag"
build_image="localhost/relaypool-base-build:$tag"

if podman image exists "$runtime_image" && podman image exists "$build_image"; then
  echo "$runtime_image $build_image"
  exit 0
fi

[ "$(id -u)" = 0 ] || { echo "base-images.sh: debootstrap needs root" >&2; exit 1; }
[ -f "$headers/node.h" ] || { echo "base-images.sh: no node headers in $headers" >&2; exit 1; }
root="$(mktemp -d /var/tmp/relaypool-rootfs.XXXXXX)"
trap 'rm -rf "$root"' EXIT

{
  debootstrap --variant=minbase bookworm "$root" "$mirror"
  # Slim like debian:bookworm-slim: no docs, man pages, locales or package caches.
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
    "$root"/usr/share/locale/* "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/*
  install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules" "$root/usr/local/etc"
  cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  mkdir -p "$root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nfund=false\naudit=false\nupdate-notifier=false\n' \
    > "$root/usr/local/etc/npmrc"
} >&2

import() {
  tar -C "$root" --numeric-owner -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$1" >&2
}
import "$runtime_image"

{
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends python3 make g++
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root/etc/resolv.conf"
  mkdir -p "$root/usr/local/include"
  cp -a "$headers" "$root/usr/local/include/"
} >&2
import "$build_image"
echo "$runtime_image $build_image"
