# shellcheck shell=bash
# Shared set-up for tools/run and tools/test: the Odoo source, a Python
# environment, and a private PostgreSQL cluster.  Every step is idempotent.
#
# Settings (environment variables, all optional):
#   ODOO_SRC        an Odoo 19.0 source tree (holding odoo-bin and addons/)
#   ADV_CACHE       cache folder (Odoo checkout, virtualenvs) [~/.cache/adv_dossier]
#   ADV_PGDATA      PostgreSQL data folder                     [see below]
#   ADV_PGPORT      PostgreSQL port (listens on 127.0.0.1)     [5433]
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
PG_LOG="$ADV_PGDATA/../postgresql.log"

say() { printf '\033[1m[adv]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[adv] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$PG_OS_USER" -- "$@"
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
    command -v "$ADV_PYTHON" >/dev/null || die "$ADV_PYTHON not found (set ADV_PYTHON)"
    # libpq and libmagic headers for psycopg2 and python-magic
    command -v pg_config >/dev/null || apt_install libpq-dev || true
    local key
    key=$({ cat "$ODOO_SRC/requirements.txt" "$REPO_DIR/requirements-dev.txt"; "$ADV_PYTHON" -V; } | sha1sum | cut -c1-12)
    VENV="$ADV_CACHE/venv-$key"
    if [ ! -f "$VENV/.complete" ]; then
        say "creating the Python environment $VENV (Odoo requirements, python-ldap left out)"
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
PG_STARTED_HERE=
pg_is_up() { "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$ADV_PGPORT" >/dev/null 2>&1; }

ensure_pg() {
    [ -x "$PG_BINDIR/initdb" ] || apt_install postgresql-15 || die "PostgreSQL 15 binaries not found in $PG_BINDIR"
    local parent
    parent=$(dirname "$ADV_PGDATA")
    if [ ! -f "$ADV_PGDATA/PG_VERSION" ]; then
        say "creating a PostgreSQL cluster in $ADV_PGDATA"
        mkdir -p "$ADV_PGDATA"
        [ "$(id -u)" = 0 ] && chown -R "$PG_OS_USER:" "$parent"
        chmod 700 "$ADV_PGDATA"
        as_pg "$PG_BINDIR/initdb" -D "$ADV_PGDATA" -U "$PG_OS_USER" -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=trust >/dev/null
    fi
    if ! pg_is_up; then
        mkdir -p "$parent/run"
        [ "$(id -u)" = 0 ] && chown "$PG_OS_USER:" "$parent/run" "$parent"
        say "starting PostgreSQL on 127.0.0.1:$ADV_PGPORT (data: $ADV_PGDATA)"
        as_pg "$PG_BINDIR/pg_ctl" -D "$ADV_PGDATA" -l "$PG_LOG" -w -t 60 \
            -o "-p $ADV_PGPORT -c listen_addresses=127.0.0.1 -k $parent/run -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
            start >/dev/null || die "PostgreSQL did not start; see $PG_LOG"
        PG_STARTED_HERE=1
    fi
    # the database role Odoo uses (Odoo refuses to run as "postgres")
    if ! psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'" | grep -q 1; then
        psql_admin -qc "CREATE ROLE $DB_USER LOGIN CREATEDB" >/dev/null
    fi
    export PGHOST=127.0.0.1 PGPORT=$ADV_PGPORT PGUSER=$DB_USER
}

psql_admin() { PGPASSWORD='' psql -X -h 127.0.0.1 -p "$ADV_PGPORT" -U "$PG_OS_USER" -d postgres "$@"; }

stop_pg_if_started() {
    # stop the cluster we started, unless another program (a tools/run, a second
    # tools/test) is still connected to it
    if [ -n "$PG_STARTED_HERE" ]; then
        local others
        others=$(psql_admin -tAc "SELECT count(*) FROM pg_stat_activity
                 WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" 2>/dev/null || echo 0)
        if [ "${others:-0}" != 0 ]; then
            say "PostgreSQL left running: $others other connection(s)"
            PG_STARTED_HERE=
            return 0
        fi
        say "stopping PostgreSQL"
        as_pg "$PG_BINDIR/pg_ctl" -D "$ADV_PGDATA" -m fast -w stop >/dev/null 2>&1 || true
        PG_STARTED_HERE=
    fi
}

db_exists() { psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1; }

odoo_bin() {
    "$PY" "$ODOO_SRC/odoo-bin" --addons-path="$(odoo_addons_path)" \
        --db_host=127.0.0.1 --db_port="$ADV_PGPORT" --db_user="$DB_USER" "$@"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# odoo_cmd SUBCOMMAND ARGS...: an odoo-bin subcommand (shell, i18n...) on our cluster
odoo_cmd() {
    local sub=$1
    shift
    "$PY" "$ODOO_SRC/odoo-bin" "$sub" --addons-path="$(odoo_addons_path)" \
        --db_host=127.0.0.1 --db_port="$ADV_PGPORT" --db_user="$DB_USER" "$@"
}
