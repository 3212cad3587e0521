# Shared helpers for the Makefile's scripts: Python venv, Odoo source, PostgreSQL.
# Sourced, never run.  Every function prints one clear message and exits on failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="$ROOT/.cache"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
ODOO_BRANCH=19.0
ODOO_TARBALL_URL="https://github.com/odoo/odoo/archive/refs/heads/$ODOO_BRANCH.tar.gz"
mkdir -p "$CACHE"

say() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# --- Python -----------------------------------------------------------------

system_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11 python3.10; do
        [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            echo "$candidate"; return
        fi
    done
    die "Python 3.10 or newer is needed: install python3 and python3-venv, or set PYTHON=/path/to/python3."
}

# Odoo's pins, minus what cannot build here and no module we load needs.
odoo_requirements() {
    local src=$1
    # cbor2 5.4.2 does not build on Python 3.11; 5.4.6 is the same API and does.
    sed -e '/^python-ldap/d' -e 's/^cbor2==5\.4\.2/cbor2==5.4.6/' "$src/requirements.txt"
}

ensure_venv() {
    local src=$1 wanted stamp="$VENV/.credit-management-requirements"
    if [ ! -x "$PY" ]; then
        say "creating $VENV"
        "$(system_python)" -m venv "$VENV" || die "could not create a venv: install python3-venv."
    fi
    odoo_requirements "$src" > "$CACHE/odoo-requirements.txt"
    wanted=$(cat "$CACHE/odoo-requirements.txt" "$ROOT/requirements.txt" | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        say "installing Odoo's and our Python requirements into .venv"
        echo "note: python-ldap is left out (only auth_ldap needs it, and it needs libldap2-dev/libsasl2-dev)"
        # (grep drops pip's notices about package indexes this machine lacks)
        if ! "$PY" -m pip install --quiet --disable-pip-version-check \
            -r "$CACHE/odoo-requirements.txt" -r "$ROOT/requirements.txt" 2>&1 \
            | { grep -v "is ignored: it is neither a file nor a directory" || true; }; then
            die "pip could not install the requirements (see above)."
        fi
        echo "$wanted" > "$stamp"
    fi
    # Make `import odoo` work in the venv (pytest-odoo needs it) without installing Odoo.
    if [ -f "$src/odoo-bin" ]; then
        echo "$src" > "$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/odoo-src.pth"
    fi
}

# --- Odoo -------------------------------------------------------------------

is_odoo_19() { [ -f "$1/odoo-bin" ] && grep -q "^version_info = (19, 0" "$1/odoo/release.py" 2>/dev/null; }

# Prints the Odoo 19.0 source directory: $ODOO_SRC, /opt/odoo/19.0, an odoo
# importable in the venv, or the official source downloaded into .cache/.
find_odoo() {
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo_19 "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 19.0 source tree (no odoo-bin or wrong version)."
        echo "$ODOO_SRC"; return
    fi
    if is_odoo_19 /opt/odoo/19.0; then echo /opt/odoo/19.0; return; fi
    if [ -x "$PY" ]; then
        local imported
        imported=$("$PY" -c 'import os, odoo.release as r; assert r.version_info[:2] == (19, 0); print(os.path.dirname(os.path.dirname(r.__file__)))' 2>/dev/null || true)
        if [ -n "$imported" ] && [ -d "$imported/odoo/addons/base" ]; then echo "$imported"; return; fi
    fi
    local cached="$CACHE/odoo-$ODOO_BRANCH"
    if is_odoo_19 "$cached"; then echo "$cached"; return; fi
    say "downloading the Odoo $ODOO_BRANCH community source into .cache/ (about 300 MB)" >&2
    if command -v curl >/dev/null && mkdir -p "$cached.part" \
        && curl -fsSL --connect-timeout 15 "$ODOO_TARBALL_URL" | tar -xz -C "$cached.part" --strip-components=1 \
        && is_odoo_19 "$cached.part"; then
        mv "$cached.part" "$cached"; echo "$cached"; return
    fi
    rm -rf "$cached.part"
    die "no Odoo 19.0 source found. Set ODOO_SRC=/path/to/odoo (a checkout of https://github.com/odoo/odoo branch 19.0), or put it in /opt/odoo/19.0."
}

# --- PostgreSQL -------------------------------------------------------------

pg_bin() {
    local name=$1 dir
    command -v "$name" 2>/dev/null && return
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/$name" ] && { echo "$dir/$name"; return; }
    done
    return 1
}

pg_answers() { "$(pg_bin pg_isready)" -q -t 3 >/dev/null 2>&1; }

# The unprivileged account that owns the private cluster when we run as root.
pg_owner() {
    if [ "$(id -u)" != 0 ]; then id -un; return; fi
    if id postgres >/dev/null 2>&1; then echo postgres; else echo nobody; fi
}

as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$(pg_owner)" -- "$@"; else "$@"; fi
}

free_port() {
    "$(system_python)" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Use the server named by PG* (or the default socket) when it answers, else
# start (creating it once) a private cluster under .cache/pg listening on a
# unix socket only.  Exports PGHOST, PGPORT and PGUSER for Odoo and psql.
ensure_pg() {
    local dir="$CACHE/pg"
    if [ ! -d "$dir/data" ] && pg_answers; then
        export PGUSER=${PGUSER:-$(id -un)}
        say "using the PostgreSQL server that answers (${PGHOST:-default socket}:${PGPORT:-5432}, user $PGUSER)"
        return
    fi
    local initdb pg_ctl
    initdb=$(pg_bin initdb) && pg_ctl=$(pg_bin pg_ctl) \
        || die "PostgreSQL is not installed and no server answers. Install it (Debian/Ubuntu: apt-get install postgresql) or point PGHOST/PGPORT/PGUSER/PGPASSWORD at a server."
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown "$(pg_owner)" "$dir"
    as_pg_owner test -w "$dir" || die "$(pg_owner) cannot write to $dir: clone the project where that account can reach it (e.g. under /tmp), or point PGHOST at a running server."
    export PGHOST="$dir" PGUSER=odoo
    if [ ! -d "$dir/data" ]; then
        say "creating a private PostgreSQL cluster in $dir"
        as_pg_owner "$initdb" -D "$dir/data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || die "initdb failed, see $dir/initdb.log"
        free_port > "$dir/port"
    fi
    export PGPORT=$(cat "$dir/port")
    if ! pg_answers; then
        say "starting the private PostgreSQL cluster (socket $dir, port $PGPORT)"
        as_pg_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-k $dir -p $PGPORT -c listen_addresses='' -c fsync=off -c full_page_writes=off -c shared_buffers=1GB -c work_mem=32MB" start >/dev/null \
            || die "PostgreSQL did not start, see $dir/server.log"
    fi
}

# --- Odoo command line --------------------------------------------------------

# Writes .cache/odoo.conf for this checkout and prints its path.
odoo_conf() {
    local src=$1 conf="$CACHE/odoo.conf"
    cat > "$conf" <<CONF
[options]
addons_path = $src/addons,$src/odoo/addons,$ROOT
data_dir = $CACHE/data
http_interface = 127.0.0.1
db_host = ${PGHOST:-}
db_port = ${PGPORT:-}
db_user = ${PGUSER:-}
db_password = ${PGPASSWORD:-}
CONF
    echo "$conf"
}

# bootstrap: venv + Odoo + PostgreSQL; sets ODOO (source dir), ODOO_BIN (command) and CONF.
bootstrap() {
    ODOO=$(find_odoo)
    say "Odoo source: $ODOO"
    ensure_venv "$ODOO"
    ensure_pg
    CONF=$(odoo_conf "$ODOO")
    if [ -f "$ODOO/odoo-bin" ]; then ODOO_BIN=("$PY" "$ODOO/odoo-bin"); else ODOO_BIN=("$VENV/bin/odoo"); fi
}
