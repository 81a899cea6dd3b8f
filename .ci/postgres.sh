# Sourced by .ci/run: give the test suite a real PostgreSQL server and export its admin URL.
#
# - A server answering at 127.0.0.1:5432 (pg_isready) is used as it is.
# - Otherwise one is started here: the server binaries are installed from Debian's packages
#   when missing, and initdb/pg_ctl run as an unprivileged user (CI runs as root) in a
#   temporary directory, on a free local port, with trust authentication for local
#   connections only. It is stopped, and its directory removed, when .ci/run exits.
#
# Exports ICRM_TEST_PG (an admin URL); the tests create and drop their own databases there.

icrm_pg_dir=""
icrm_pg_bin=""

icrm_pg_find_bin() {
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        icrm_pg_bin="$(dirname "$(command -v pg_ctl)")"
        return 0
    fi
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$found" ] && [ -x "$found/pg_ctl" ]; then
        icrm_pg_bin="$found"
        return 0
    fi
    return 1
}

icrm_pg_stop() {
    if [ -n "$icrm_pg_dir" ] && [ -d "$icrm_pg_dir" ]; then
        runuser -u nobody -- "$icrm_pg_bin/pg_ctl" -D "$icrm_pg_dir/data" -m fast -w stop >/dev/null 2>&1 \
            || "$icrm_pg_bin/pg_ctl" -D "$icrm_pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$icrm_pg_dir"
        icrm_pg_dir=""
    fi
}

icrm_pg_start() {
    if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then
        export ICRM_TEST_PG="${ICRM_TEST_PG:-postgresql://postgres@127.0.0.1:5432/postgres}"
        echo "postgres.sh: using the server at 127.0.0.1:5432"
        return 0
    fi
    if ! icrm_pg_find_bin; then
        echo "postgres.sh: installing PostgreSQL from Debian's packages"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        icrm_pg_find_bin || { echo "postgres.sh: no pg_ctl after installing postgresql" >&2; return 1; }
    fi
    local port user
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    icrm_pg_dir="$(mktemp -d /tmp/icrm-ci-pg.XXXXXX)"
    chmod 755 "$icrm_pg_dir"
    if [ "$(id -u)" = "0" ]; then
        user=nobody
        chown nobody "$icrm_pg_dir"
        run_as() { runuser -u nobody -- "$@"; }
    else
        user="$(id -un)"
        run_as() { "$@"; }
    fi
    run_as "$icrm_pg_bin/initdb" -D "$icrm_pg_dir/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$icrm_pg_dir/initdb.log" 2>&1 \
        || { cat "$icrm_pg_dir/initdb.log" >&2; return 1; }
    run_as "$icrm_pg_bin/pg_ctl" -D "$icrm_pg_dir/data" -l "$icrm_pg_dir/server.log" -w -t 60 \
        -o "-p $port -k $icrm_pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
        start >/dev/null || { cat "$icrm_pg_dir/server.log" >&2; return 1; }
    trap icrm_pg_stop EXIT
    export ICRM_TEST_PG="postgresql://postgres@127.0.0.1:$port/postgres"
    echo "postgres.sh: started PostgreSQL ($("$icrm_pg_bin/pg_ctl" --version)) as $user on port $port"
}

icrm_pg_start || { echo "postgres.sh: no PostgreSQL server for the tests" >&2; exit 1; }
