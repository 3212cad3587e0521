#!/usr/bin/env bash
# make demo: a database `credit_demo` with the module and its demo data, served on
# http://localhost:$HTTP_PORT (default 8069).  A second run reuses both.
source "$(dirname "$0")/lib.sh"

DB=${DEMO_DB:-credit_demo}
HTTP_PORT=${HTTP_PORT:-8069}
PIDFILE="$CACHE/odoo-demo.pid"
LOG="$CACHE/odoo-demo.log"
URL="http://localhost:$HTTP_PORT"

serving() {
    "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' \
        "$URL/web/login?db=$DB" 2>/dev/null
}
ours_running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

bootstrap

if ours_running && serving; then
    say "the demo server is already running"
else
    port_taken=$("$PY" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $HTTP_PORT)) != 0)" && echo yes || true)
    [ -n "$port_taken" ] && die "port $HTTP_PORT is already in use by another program: stop it, or run HTTP_PORT=8070 make demo."
    if ! "$(pg_bin psql)" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
        say "creating database $DB with credit_management and its demo data (a few minutes)"
        "${ODOO_BIN[@]}" -c "$CONF" -d "$DB" -i credit_management --with-demo --stop-after-init \
            --log-level=warn >"$CACHE/odoo-demo-install.log" 2>&1 \
            || { tail -30 "$CACHE/odoo-demo-install.log"; die "installing the module failed, see .cache/odoo-demo-install.log"; }
    else
        say "reusing database $DB"
    fi
    say "starting Odoo (log: .cache/odoo-demo.log)"
    nohup "${ODOO_BIN[@]}" -c "$CONF" -d "$DB" --db-filter="^$DB\$" \
        --http-port "$HTTP_PORT" >"$LOG" 2>&1 &
    echo $! > "$PIDFILE"
    for _ in $(seq 1 120); do
        serving && break
        kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { tail -30 "$LOG"; die "Odoo stopped, see .cache/odoo-demo.log"; }
        sleep 1
    done
    serving || die "Odoo did not answer on $URL within two minutes, see .cache/odoo-demo.log"
fi
say "Odoo is running: $URL  (database $DB, login admin / password admin)"
say "stop it with: make stop"
