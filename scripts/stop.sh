#!/usr/bin/env bash
# make stop: stop the demo server and, if this checkout started one, its private PostgreSQL.
source "$(dirname "$0")/lib.sh"

if [ -f "$CACHE/odoo-demo.pid" ]; then
    kill "$(cat "$CACHE/odoo-demo.pid")" 2>/dev/null && say "demo server stopped"
    rm -f "$CACHE/odoo-demo.pid"
fi
if [ -d "$CACHE/pg/data" ]; then
    as_pg_owner "$(pg_bin pg_ctl)" -D "$CACHE/pg/data" -m fast stop >/dev/null 2>&1 && say "private PostgreSQL stopped"
fi
exit 0
