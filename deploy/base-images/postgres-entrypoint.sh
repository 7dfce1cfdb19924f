#!/bin/sh
# Entrypoint of the local PostgreSQL image (deploy/base-images/build.sh): the subset of the official
# image's contract that deploy/compose.yaml uses. On an empty PGDATA it creates a cluster whose
# superuser is POSTGRES_USER (default postgres) with POSTGRES_PASSWORD (required), SCRAM
# authentication for every TCP connection, listening on all addresses, and the database
# POSTGRES_DB (default: the user's name). Then it runs the command (postgres) in the foreground.
set -eu

if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
    user=${POSTGRES_USER:-postgres}
    db=${POSTGRES_DB:-$user}
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb --username="$user" --pwfile="$pwfile" --auth-host=scram-sha-256 --auth-local=trust \
        --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
    rm -f "$pwfile"
    {
        echo "local all all trust"
        echo "host all all 0.0.0.0/0 scram-sha-256"
        echo "host all all ::/0 scram-sha-256"
    } > "$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
    if [ "$db" != postgres ]; then
        postgres --single -D "$PGDATA" -j postgres >/dev/null <<SQL
CREATE DATABASE "$db" OWNER "$user";
SQL
    fi
    echo "docker-entrypoint.sh: created the cluster in $PGDATA with database $db"
fi

exec "$@"
