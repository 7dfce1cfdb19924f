#!/usr/bin/env bash
# Builds local stand-ins for the registry images deploy/compose.yaml uses, for a machine that reaches
# Debian's package archive but no container registry. Every image is a Debian bookworm root
# filesystem made with debootstrap, plus Debian packages, imported with `docker import`:
#
#   orleanshub/dotnet-runtime:local  ASP.NET Core runtime (a copy of this machine's .NET install,
#                                    shared frameworks only), non-root user "app" (uid 1654, as in
#                                    Microsoft's images), bubblewrap for the task sandbox
#   orleanshub/dotnet-sdk:local      the runtime image plus this machine's whole .NET SDK
#   orleanshub/postgres:local        Debian's PostgreSQL, with an entrypoint that honours
#                                    POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB like the
#                                    official image
#   orleanshub/haproxy:local         Debian's haproxy (the load balancer)
#   orleanshub/prometheus:local      Debian's prometheus
#
# Usage (docs/operations.md, "Docker and Kubernetes"):
#
#   deploy/base-images/build.sh [IMAGE...]    # default: all of runtime sdk postgres haproxy prometheus
#
# Then pass them to compose with deploy/base-images/local.env. Talks to the engine named by
# DOCKER_HOST. Needs root (debootstrap, chroot), debootstrap and a .NET SDK on PATH (or DOTNET_DIR).
# MIRROR (default http://deb.debian.org/debian) and SUITE (bookworm) choose the archive.
# The .NET copy is what `dotnet --info` shows on this machine: rebuild after updating it. The SDK image
# also trusts what this machine trusts (HOST_CA_BUNDLE, default SSL_CERT_FILE or Debian's bundle), so that
# restoring packages inside `docker build` works wherever it works on the machine.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mirror=${MIRROR:-http://deb.debian.org/debian}
suite=${SUITE:-bookworm}
work=${WORK_DIR:-/var/tmp/orleanshub-base-images}
images=("$@")
if ((${#images[@]} == 0)); then
    images=(runtime sdk postgres haproxy prometheus)
fi

die() {
    echo "build.sh: $*" >&2
    exit 1
}

[[ $(id -u) == 0 ]] || die "needs root (debootstrap and chroot)"
command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
command -v docker >/dev/null || die "the docker client is missing (apt-get install docker.io)"
docker version --format '{{.Server.Version}}' >/dev/null || die "no Docker engine answers at ${DOCKER_HOST:-/var/run/docker.sock}"

dotnet_dir=${DOTNET_DIR:-}
if [[ -z $dotnet_dir ]]; then
    command -v dotnet >/dev/null || die "no dotnet on PATH; set DOTNET_DIR to a .NET SDK install"
    dotnet_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")
fi
[[ -d $dotnet_dir/shared/Microsoft.AspNetCore.App ]] || die "$dotnet_dir has no ASP.NET Core runtime"

mkdir -p "$work/cache"
# A failed package install must not leave /proc mounted inside the work directory.
trap 'for mounted in "$work"/root-*/proc; do mountpoint -q "$mounted" && umount "$mounted"; done; true' EXIT
base=$work/base-$suite

# One minimal root filesystem, reused by every image; the .debs are cached across runs.
if [[ ! -f $base/.complete ]]; then
    rm -rf "$base"
    debootstrap --variant=minbase --cache-dir="$work/cache" "$suite" "$base" "$mirror"
    # No service starts inside the chroot while packages install.
    printf '#!/bin/sh\nexit 101\n' > "$base/usr/sbin/policy-rc.d"
    chmod 0755 "$base/usr/sbin/policy-rc.d"
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$base/etc/apt/apt.conf.d/90orleanshub"
    touch "$base/.complete"
fi

# Copies the base, installs PACKAGES in it and leaves the root filesystem in $root.
make_root() {
    local name=$1
    shift
    root=$work/root-$name
    rm -rf "$root"
    cp -a "$base" "$root"
    rm -f "$root/.complete"
    if declare -F "before_install_$name" >/dev/null; then
        "before_install_$name"
    fi
    if (($# > 0)); then
        mount -t proc proc "$root/proc"
        chroot "$root" apt-get -qq update
        DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get -qq -y -o Dir::Cache::archives=/var/cache/apt/archives install "$@" >/dev/null
        chroot "$root" apt-get -qq clean
        umount "$root/proc"
    fi
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log "$root"/tmp/*
}

# Imports $root as IMAGE with the given --change lines.
import_root() {
    local image=$1
    shift
    local changes=()
    local change
    for change in "$@"; do
        changes+=(--change "$change")
    done
    tar --numeric-owner -C "$root" -c . | docker import "${changes[@]}" --message "OrleansHub local base ($suite, debootstrap)" - "$image" >/dev/null
    rm -rf "$root"
    echo "$image"
}

copy_dotnet() {
    local what
    mkdir -p "$root/usr/share/dotnet"
    for what in "$@"; do
        cp -a "$dotnet_dir/$what" "$root/usr/share/dotnet/"
    done
    ln -sf /usr/share/dotnet/dotnet "$root/usr/bin/dotnet"
}

runtime_packages=(ca-certificates libssl3 tzdata zlib1g libgcc-s1 libstdc++6 bubblewrap)
dotnet_env=(
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    'ENV DOTNET_ROOT=/usr/share/dotnet'
    'ENV DOTNET_RUNNING_IN_CONTAINER=true'
    'ENV APP_UID=1654'
    'ENV ASPNETCORE_HTTP_PORTS=8080'
)

build_runtime() {
    make_root runtime "${runtime_packages[@]}"
    copy_dotnet dotnet host shared LICENSE.txt ThirdPartyNotices.txt
    chroot "$root" groupadd --gid 1654 app
    chroot "$root" useradd --uid 1654 --gid 1654 --create-home --shell /usr/sbin/nologin app
    import_root orleanshub/dotnet-runtime:local "${dotnet_env[@]}" 'WORKDIR /app' 'CMD ["dotnet", "--info"]'
}

build_sdk() {
    # The SDK's tools need ICU; the silo runs with invariant globalization (Directory.Build.props).
    make_root sdk "${runtime_packages[@]}" libicu72
    copy_dotnet dotnet host shared packs sdk sdk-manifests LICENSE.txt ThirdPartyNotices.txt
    chroot "$root" groupadd --gid 1654 app
    chroot "$root" useradd --uid 1654 --gid 1654 --create-home --shell /usr/sbin/nologin app
    local sdk_env=("${dotnet_env[@]}" 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1' 'ENV DOTNET_NOLOGO=1')
    # The build stage restores packages through this machine's network: it gets the machine's trusted
    # certificates (a network that inspects TLS adds its own authority to them) and, when set, its NuGet
    # revocation-check mode (offline where revocation servers cannot be reached).
    local bundle=${HOST_CA_BUNDLE:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
    if [[ -f $bundle ]]; then
        install -m 0644 "$bundle" "$root/etc/ssl/certs/host-ca-bundle.crt"
        sdk_env+=('ENV SSL_CERT_FILE=/etc/ssl/certs/host-ca-bundle.crt')
    fi
    if [[ -n ${NUGET_CERT_REVOCATION_MODE:-} ]]; then
        sdk_env+=("ENV NUGET_CERT_REVOCATION_MODE=$NUGET_CERT_REVOCATION_MODE")
    fi
    import_root orleanshub/dotnet-sdk:local "${sdk_env[@]}" 'WORKDIR /src' 'CMD ["dotnet", "--info"]'
}

# The entrypoint makes the cluster in PGDATA; Debian's default "main" cluster would only take space.
before_install_postgres() {
    mkdir -p "$root/etc/postgresql-common/createcluster.d"
    echo 'create_main_cluster = false' > "$root/etc/postgresql-common/createcluster.d/orleanshub.conf"
}

build_postgres() {
    make_root postgres postgresql
    install -m 0755 "$here/postgres-entrypoint.sh" "$root/usr/local/bin/docker-entrypoint.sh"
    local bin
    bin=$(ls -d "$root"/usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    bin=${bin#"$root"}
    mkdir -p "$root/var/lib/postgresql/data" "$root/run/postgresql"
    chroot "$root" chown -R postgres:postgres /var/lib/postgresql /run/postgresql
    import_root orleanshub/postgres:local \
        "ENV PATH=$bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        'ENV PGDATA=/var/lib/postgresql/data' \
        'USER postgres' \
        'EXPOSE 5432' \
        'VOLUME /var/lib/postgresql/data' \
        'ENTRYPOINT ["docker-entrypoint.sh"]' \
        'CMD ["postgres"]'
}

build_haproxy() {
    make_root haproxy haproxy
    import_root orleanshub/haproxy:local \
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        'USER haproxy' \
        'CMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]'
}

build_prometheus() {
    make_root prometheus prometheus
    mkdir -p "$root/prometheus"
    chroot "$root" chown prometheus:prometheus /prometheus
    import_root orleanshub/prometheus:local \
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        'USER prometheus' \
        'WORKDIR /prometheus' \
        'EXPOSE 9090' \
        'ENTRYPOINT ["/usr/bin/prometheus"]' \
        'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'
}

for image in "${images[@]}"; do
    case $image in
        runtime | sdk | postgres | haproxy | prometheus) "build_$image" ;;
        *) die "unknown image '$image' (runtime, sdk, postgres, haproxy, prometheus)" ;;
    esac
done
