#!/usr/bin/env bash
# Builds the task sandbox image without any registry: a root filesystem holding only a static
# busybox (Debian's busybox-static) and the applets tasks commonly need, imported with
# `docker import`. Usage:
#
#   deploy/sandbox/build-image.sh [TAG]        # default TAG: orleanshub/sandbox:1
#
# Talks to the engine named by DOCKER_HOST (default: the local /var/run/docker.sock). Set
# BUSYBOX to use another static busybox binary. The image has no shell profile, no users
# file and no package manager; PATH is /bin and the working directory /tmp. Runs get a
# read-only root and a tmpfs at /tmp from the executor (docs/execution.md), not from here.
set -euo pipefail

tag=${1:-orleanshub/sandbox:1}
busybox=${BUSYBOX:-}
if [[ -z $busybox ]]; then
    for candidate in /bin/busybox /usr/bin/busybox; do
        if [[ -x $candidate ]]; then
            busybox=$candidate
            break
        fi
    done
fi
if [[ -z $busybox ]]; then
    echo "build-image.sh: no busybox found (apt-get install busybox-static)" >&2
    exit 1
fi
# A dynamically linked busybox would need the host's libc inside the image.
if command -v file >/dev/null && ! file -L "$busybox" | grep -q 'statically linked'; then
    echo "build-image.sh: $busybox is not statically linked (apt-get install busybox-static)" >&2
    exit 1
fi
if ! command -v docker >/dev/null; then
    echo "build-image.sh: the docker client is missing (apt-get install docker.io)" >&2
    exit 1
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# mktemp makes the directory 0700, which would lock the non-root sandbox user out of /.
chmod 0755 "$root"
mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp}
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"

applets=(
    sh ash echo printf cat head tail tee wc cut tr sort uniq grep sed awk seq yes true false test '['
    sleep timeout date env id whoami uname hostname pwd ls mkdir rmdir rm cp mv ln touch chmod stat
    find xargs dd od hexdump base64 md5sum sha256sum gzip gunzip tar kill ps nc wget
)
available=$("$busybox" --list)
for applet in "${applets[@]}"; do
    # Only what this busybox build has.
    if grep -qxF -- "$applet" <<<"$available"; then
        ln -s busybox "$root/bin/$applet"
    fi
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/tmp:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

tar --numeric-owner --owner=0 --group=0 -C "$root" -c . |
    docker import \
        --change 'ENV PATH=/bin' \
        --change 'WORKDIR /tmp' \
        --change 'USER 65534:65534' \
        --change 'CMD ["sh"]' \
        --message 'OrleansHub task sandbox (busybox)' \
        - "$tag" >/dev/null
echo "$tag"
