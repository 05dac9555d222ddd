# shellcheck shell=bash
# Shared set-up for tools/run and tools/test: the Odoo source, a Python
# environment, and two private PostgreSQL clusters (durable for tools/run, throw-away
# for the tests).  Every step is idempotent.
#
# Settings (environment variables, all optional):
#   ODOO_SRC        an Odoo 19.0 source tree (holding odoo-bin and addons/)
#   ADV_CACHE       cache folder (Odoo checkout, virtualenvs) [~/.cache/adv_dossier]
#   ADV_PGDATA      data folder of the durable cluster (tools/run)   [see below]
#   ADV_PGPORT      its port (listens on 127.0.0.1)                  [5433]
#   ADV_TEST_PGDATA data folder of the throw-away test cluster       [pgdata-test beside ADV_PGDATA]
#   ADV_TEST_PGPORT its port                                         [ADV_PGPORT + 1]
#   ADV_DB          database of tools/run                      [adv_dossier]
#   ADV_HTTP_PORT   Odoo HTTP port                             [8069]
#   ADV_PYTHON      Python interpreter for the virtualenv      [python3.11]

set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADV_CACHE=${ADV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/adv_dossier}
ADV_PGPORT=${ADV_PGPORT:-5433}
ADV_PYTHON=${ADV_PYTHON:-python3.11}
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
ODOO_BRANCH=19.0
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
DB_USER=odoo

if [ "$(id -u)" = 0 ]; then
    PG_OS_USER=postgres
    ADV_PGDATA=${ADV_PGDATA:-/var/lib/adv_dossier/pgdata}
else
    PG_OS_USER=$(id -un)
    ADV_PGDATA=${ADV_PGDATA:-${XDG_DATA_HOME:-$HOME/.local/share}/adv_dossier/pgdata}
fi
ADV_PGDATA=$(realpath -m "$ADV_PGDATA")
ADV_TEST_PGDATA=$(realpath -m "${ADV_TEST_PGDATA:-$(dirname "$ADV_PGDATA")/pgdata-test}")
ADV_TEST_PGPORT=${ADV_TEST_PGPORT:-$((ADV_PGPORT + 1))}
# Odoo's files (filestore, sessions) for the test cluster's kept databases
# shellcheck disable=SC2034  # used by the scripts that source this file
TEST_ODOO_DATA="$(dirname "$ADV_TEST_PGDATA")/odoo-data-test"

say() { printf '\033[1m[adv]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[adv] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# killed (a cancelled CI job): exit, so that the scripts' EXIT traps still drop their
# database and stop the PostgreSQL they started
trap 'exit 143' TERM

if [ "$ADV_TEST_PGPORT" = "$ADV_PGPORT" ] || [ "$ADV_TEST_PGDATA" = "$ADV_PGDATA" ]; then
    die "the test cluster needs its own data folder and port (ADV_TEST_PGDATA, ADV_TEST_PGPORT)"
fi

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        # from /: the current folder may be closed to that user (pg_ctl and initdb need it)
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

# -- system packages ---------------------------------------------------------
APT_UPDATED=
apt_install() {
    # apt_install PKG...: install the Debian packages that are missing.
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        say "missing Debian packages: ${missing[*]} (not root: install them with sudo apt-get install ${missing[*]})"
        return 1
    fi
    say "installing Debian packages: ${missing[*]}"
    if [ -z "$APT_UPDATED" ]; then
        apt-get update -qq >/dev/null || true
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# -- the Odoo source -----------------------------------------------------------
is_odoo_tree() { [ -f "$1/odoo-bin" ] && { [ -d "$1/addons/base" ] || [ -d "$1/odoo/addons/base" ]; } && [ -f "$1/odoo/release.py" ]; }

ensure_odoo_src() {
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo_tree "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo source tree (no odoo-bin, odoo/release.py)"
    elif is_odoo_tree "$ADV_CACHE/odoo-$ODOO_BRANCH"; then
        ODOO_SRC="$ADV_CACHE/odoo-$ODOO_BRANCH"
    else
        say "no local Odoo source: cloning Odoo $ODOO_BRANCH from $ODOO_GIT_URL"
        mkdir -p "$ADV_CACHE"
        rm -rf "$ADV_CACHE/odoo-$ODOO_BRANCH.partial"
        if timeout 900 git clone -q --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" \
                "$ADV_CACHE/odoo-$ODOO_BRANCH.partial" 2>/dev/null; then
            mv "$ADV_CACHE/odoo-$ODOO_BRANCH.partial" "$ADV_CACHE/odoo-$ODOO_BRANCH"
            ODOO_SRC="$ADV_CACHE/odoo-$ODOO_BRANCH"
        else
            rm -rf "$ADV_CACHE/odoo-$ODOO_BRANCH.partial"
            die "Odoo $ODOO_BRANCH source not found and $ODOO_GIT_URL cannot be reached.
    Either set ODOO_SRC=/path/to/odoo-19.0 (a tree with odoo-bin, odoo/ and addons/),
    or put that tree at $ADV_CACHE/odoo-$ODOO_BRANCH."
        fi
    fi
    ODOO_SRC=$(cd "$ODOO_SRC" && pwd)
    grep -q "^version_info = (19, 0" "$ODOO_SRC/odoo/release.py" \
        || die "$ODOO_SRC is not Odoo 19.0 ($(grep '^version_info' "$ODOO_SRC/odoo/release.py"))"
    export ODOO_SRC
}

# -- Python environment ----------------------------------------------------------
ensure_venv() {
    ensure_odoo_src
    if ! command -v "$ADV_PYTHON" >/dev/null; then
        [ "$ADV_PYTHON" = python3.11 ] && { apt_install python3.11 python3.11-venv || true; }
        command -v "$ADV_PYTHON" >/dev/null \
            || die "$ADV_PYTHON not found (Debian 12: apt-get install python3.11 python3.11-venv; or set ADV_PYTHON)"
    fi
    local key
    key=$({ cat "$ODOO_SRC/requirements.txt" "$REPO_DIR/requirements-dev.txt"; "$ADV_PYTHON" -V; } | sha1sum | cut -c1-12)
    VENV="$ADV_CACHE/venv-$key"
    if [ ! -f "$VENV/.complete" ]; then
        say "creating the Python environment $VENV (Odoo requirements, python-ldap left out)"
        # psycopg2 and a few others build from source: a C compiler, libpq's and Python's headers
        local build=(build-essential libpq-dev)
        [ "$(command -v "$ADV_PYTHON")" = "/usr/bin/$ADV_PYTHON" ] && build+=("$ADV_PYTHON-venv" "$ADV_PYTHON-dev")
        apt_install "${build[@]}" || say "without them pip may fail to build psycopg2"
        rm -rf "$VENV"
        "$ADV_PYTHON" -m venv "$VENV"
        grep -v -i '^python-ldap' "$ODOO_SRC/requirements.txt" > "$VENV/odoo-requirements.txt"
        if ! { "$VENV/bin/pip" install --upgrade pip wheel "setuptools<81" &&
               "$VENV/bin/pip" install -r "$VENV/odoo-requirements.txt" -r "$REPO_DIR/requirements-dev.txt"
             } >"$VENV/pip.log" 2>&1; then
            grep -v "^WARNING: Location" "$VENV/pip.log" | tail -n 30 >&2
            die "pip could not install Odoo's requirements (log: $VENV/pip.log)"
        fi
        touch "$VENV/.complete"
    fi
    PY="$VENV/bin/python"
    export PATH="$VENV/bin:$PATH"
}

odoo_addons_path() {
    printf '%s' "$REPO_DIR,$ODOO_SRC/addons"
    [ -d "$ODOO_SRC/odoo/addons" ] && printf ',%s' "$ODOO_SRC/odoo/addons"
    return 0
}

# -- PostgreSQL ------------------------------------------------------------------
# Two private clusters from Debian's postgresql-15 binaries, both listening on 127.0.0.1 only:
#   main  ADV_PGDATA, ADV_PGPORT            tools/run's classroom databases: durable (fsync and
#                                           the other PostgreSQL defaults)
#   test  ADV_TEST_PGDATA, ADV_TEST_PGPORT  throw-away databases (tools/test, its kept --db
#                                           databases, tools/i18n, the benchmarks): fsync off,
#                                           for speed; a crash may lose them
# Neither trusts anybody: the cluster's OS user (postgres as root, else you) administers it
# through its Unix socket (peer); Odoo's role "odoo" connects on 127.0.0.1 with scram-sha-256
# and a random password made once and kept beside the data folder in <data folder>.pgpass
# (mode 0600, handed to libpq as PGPASSFILE: never on a command line).  A cluster made by an
# earlier version of these tools (trust, fsync off) is converted in place, its data kept,
# once no other program uses it (those of the earlier tools connect without a password).
PG_STARTED_HERE=
PG_KIND='' PG_DATA='' PG_PORT='' PG_RUN='' PG_LOG='' PG_PASSFILE=''

select_cluster() {
    # select_cluster main|test: the cluster the PG_* variables (and psql_admin...) refer to
    case "$1" in
        main) PG_DATA=$ADV_PGDATA PG_PORT=$ADV_PGPORT PG_LOG="$(dirname "$ADV_PGDATA")/postgresql.log" ;;
        test) PG_DATA=$ADV_TEST_PGDATA PG_PORT=$ADV_TEST_PGPORT PG_LOG="$(dirname "$ADV_TEST_PGDATA")/postgresql-test.log" ;;
        *) die "select_cluster: main or test, not '$1'" ;;
    esac
    PG_KIND=$1
    PG_RUN="$(dirname "$PG_DATA")/run"
    PG_PASSFILE="$PG_DATA.pgpass"
}

pg_is_up() { "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; }

# the cluster's pg_hba.conf: no "trust" anywhere
PG_HBA="# Written by adv_dossier's tools/lib.sh (rewritten when it differs): nobody is trusted.
# The cluster's OS user administers it through the Unix socket (peer); Odoo's role connects
# on 127.0.0.1 with its password (scram-sha-256, kept in the .pgpass file beside the data folder).
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 peer
host    all       all   127.0.0.1/32  scram-sha-256"

pg_write_hba() {
    # returns 0 when pg_hba.conf had to be (re)written
    local hba="$PG_DATA/pg_hba.conf"
    [ "$(cat "$hba" 2>/dev/null)" = "$PG_HBA" ] && return 1
    if grep -qE '^[^#]*[[:space:]]trust([[:space:]]|$)' "$hba" 2>/dev/null; then
        say "PostgreSQL ($PG_DATA) trusted every local connection (made by an earlier version of these tools): now peer for its OS user, a password for Odoo"
        [ -f "$hba.trust-backup" ] || as_pg cp -p "$hba" "$hba.trust-backup"
    fi
    printf '%s\n' "$PG_HBA" | as_pg tee "$hba" >/dev/null
    return 0
}

pg_password() {
    # the password of Odoo's role, made once (random) and kept in $PG_PASSFILE (libpq's
    # password file format, mode 0600)
    if [ ! -s "$PG_PASSFILE" ]; then
        local tmp="$PG_PASSFILE.$$"
        (umask 077 && printf '127.0.0.1:*:*:%s:%s\n' "$DB_USER" \
            "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$tmp")
        mv -n "$tmp" "$PG_PASSFILE" || true
        rm -f "$tmp"
    fi
    chmod 600 "$PG_PASSFILE" 2>/dev/null || true
    local password
    password=$(cut -d: -f5 "$PG_PASSFILE" 2>/dev/null | head -n 1) || true
    [ -n "$password" ] || die "cannot read Odoo's database password from $PG_PASSFILE (delete it: a new one is made)"
    printf '%s' "$password"
}

pg_set_password() {
    # create Odoo's role if needed and give it the password of $PG_PASSFILE; the statement
    # goes through psql's standard input, not its command line
    local password
    password=$(pg_password)
    printf "%s\n" \
        "SELECT 'CREATE ROLE $DB_USER' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') \\gexec" \
        "ALTER ROLE $DB_USER WITH LOGIN CREATEDB NOSUPERUSER PASSWORD '$password';" \
        | psql_admin -q -v ON_ERROR_STOP=1 >/dev/null \
        || die "could not set the password of the role $DB_USER in $PG_DATA (see $PG_LOG)"
}

pg_login_ok() {
    PGPASSFILE="$PG_PASSFILE" "$PG_BINDIR/psql" -X -w -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d postgres \
        -tAc 'SELECT 1' >/dev/null 2>&1
}

pg_start() {
    local opts="-p $PG_PORT -c listen_addresses=127.0.0.1 -k \"$PG_RUN\""
    # throw-away databases only: no crash safety, faster installs
    [ "$PG_KIND" = test ] && opts="$opts -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    say "starting PostgreSQL ($PG_KIND cluster) on 127.0.0.1:$PG_PORT (data: $PG_DATA)"
    as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -o "$opts" start >/dev/null \
        || die "PostgreSQL did not start; see $PG_LOG"
}

pg_other_connections() {
    psql_admin -tAc "SELECT count(*) FROM pg_stat_activity
                     WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" 2>/dev/null || echo 0
}

ensure_pg() {
    # ensure_pg [main|test]: the cluster created, converted if needed, running, Odoo's role
    # able to log in; exports PGHOST, PGPORT, PGUSER and PGPASSFILE for Odoo and libpq
    select_cluster "${1:-main}"
    [ -x "$PG_BINDIR/initdb" ] || apt_install postgresql-15 || true
    [ -x "$PG_BINDIR/initdb" ] || die "PostgreSQL 15 binaries not found in $PG_BINDIR (apt-get install postgresql-15, or set PG_BINDIR)"
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
        say "creating the $PG_KIND PostgreSQL cluster in $PG_DATA"
        mkdir -p "$PG_DATA"
        [ "$(id -u)" = 0 ] && chown "$PG_OS_USER:" "$PG_DATA"
        chmod 700 "$PG_DATA"
        as_pg "$PG_BINDIR/initdb" -D "$PG_DATA" -U "$PG_OS_USER" -E UTF8 --locale=C.UTF-8 \
            --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    fi
    # the socket folder and the log belong to the cluster's OS user (not the folder above)
    mkdir -p "$PG_RUN"
    [ -e "$PG_LOG" ] || : > "$PG_LOG"
    [ "$(id -u)" = 0 ] && chown "$PG_OS_USER:" "$PG_RUN" "$PG_LOG"
    chmod 600 "$PG_LOG"

    local was_up='' others=0
    if pg_is_up; then
        was_up=1
        local where
        where=$(psql_admin -tAc "SHOW data_directory" 2>/dev/null) || where=
        [ "$where" -ef "$PG_DATA" ] || die "another PostgreSQL answers on 127.0.0.1:$PG_PORT (not the cluster of $PG_DATA${where:+, but $where}): choose another port (ADV_PGPORT / ADV_TEST_PGPORT)"
        others=$(pg_other_connections)
    elif as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        die "the PostgreSQL of $PG_DATA runs, but not on 127.0.0.1:$PG_PORT (port $(sed -n 4p "$PG_DATA/postmaster.pid")): use that port, or stop it (pg_ctl -D $PG_DATA stop as $PG_OS_USER)"
    fi
    local fsync_off=''
    [ -n "$was_up" ] && [ "$PG_KIND" = main ] && [ "$(psql_admin -tAc 'SHOW fsync')" = off ] && fsync_off=1
    if [ -n "$was_up" ] && [ "${others:-0}" != 0 ]; then
        # in use: programs of the earlier tools connect without a password and must keep
        # working; the conversion waits until nothing else uses the cluster
        if [ "$(cat "$PG_DATA/pg_hba.conf" 2>/dev/null)" != "$PG_HBA" ] || [ -n "$fsync_off" ]; then
            say "WARNING: PostgreSQL ($PG_DATA) runs as an earlier version of these tools left it (trust${fsync_off:+, fsync off}) and $others other connection(s) use it: it is converted the next time nothing else uses it (stop them and run again)"
        fi
    else
        if pg_write_hba && [ -n "$was_up" ]; then
            # the running server still reads the old rules: the password first, then the new rules
            pg_set_password
            psql_admin -tAc "SELECT pg_reload_conf()" >/dev/null
        fi
        if [ -z "$was_up" ]; then
            pg_start
            PG_STARTED_HERE=1
        elif [ -n "$fsync_off" ]; then
            say "PostgreSQL ($PG_DATA) ran with fsync off (started by an earlier version of these tools): restarting it with PostgreSQL's durable defaults"
            as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null \
                || die "could not stop PostgreSQL ($PG_DATA) to restart it durably"
            pg_start
        fi
    fi
    if ! pg_login_ok; then
        pg_set_password
        pg_login_ok || die "Odoo's role $DB_USER cannot log in to 127.0.0.1:$PG_PORT with the password of $PG_PASSFILE (see $PG_LOG)"
    fi
    export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=$DB_USER PGPASSFILE=$PG_PASSFILE
}

# the cluster's administrator: its OS user, through the Unix socket (peer)
psql_admin() { as_pg "$PG_BINDIR/psql" -X -h "$PG_RUN" -p "$PG_PORT" -U "$PG_OS_USER" -d postgres "$@"; }

stop_pg_if_started() {
    # stop the cluster we started, unless another program (a tools/run, a second
    # tools/test) is still connected to it
    if [ -n "$PG_STARTED_HERE" ]; then
        local others
        others=$(pg_other_connections)
        if [ "${others:-0}" != 0 ]; then
            say "PostgreSQL left running: $others other connection(s)"
            PG_STARTED_HERE=
            return 0
        fi
        say "stopping PostgreSQL ($PG_KIND cluster)"
        as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
        PG_STARTED_HERE=
    fi
}

addons_hash() {
    # addons_hash all|code: a digest of the add-ons' files ("code": their tests/ folders left
    # out: pytest imports the test files afresh, a database needs no update for them)
    local skip=()
    [ "$1" = code ] && skip=(-not -path '*/tests/*')
    (cd "$REPO_DIR" && find adv_dossier* -type f -not -name '*.pyc' "${skip[@]}" -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)
}

db_exists() { psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1; }

odoo_bin() {
    "$PY" "$ODOO_SRC/odoo-bin" --addons-path="$(odoo_addons_path)" \
        --db_host=127.0.0.1 --db_port="$PG_PORT" --db_user="$DB_USER" "$@"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# odoo_cmd SUBCOMMAND ARGS...: an odoo-bin subcommand (shell, i18n...) on our cluster
odoo_cmd() {
    local sub=$1
    shift
    "$PY" "$ODOO_SRC/odoo-bin" "$sub" --addons-path="$(odoo_addons_path)" \
        --db_host=127.0.0.1 --db_port="$PG_PORT" --db_user="$DB_USER" "$@"
}
