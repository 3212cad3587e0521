#!/usr/bin/env bash
# make bench-data SIZE=small|large : (re)create database $BENCH_DB with the module
#                                    and a synthetic ledger, then check it.
# make bench                       : run every registered operation on it and print
#                                    the table (generates the small ledger first if
#                                    the database does not exist yet).
source "$(dirname "$0")/lib.sh"

BENCH_DB=${BENCH_DB:-credit_bench}
SIZE=${SIZE:-small}
PSQL=$(pg_bin psql 2>/dev/null || echo psql)

bootstrap
cd "$ROOT"

bench_data() {
    "$(pg_bin dropdb)" --if-exists --force "$BENCH_DB"
    say "installing credit_management (no demo data) in $BENCH_DB"
    "${ODOO_BIN[@]}" -c "$CONF" -d "$BENCH_DB" -i credit_management --stop-after-init \
        --log-level=warn >"$CACHE/bench-install.log" 2>&1 \
        || { tail -30 "$CACHE/bench-install.log"; die "installation failed, see .cache/bench-install.log"; }
    say "generating the $SIZE ledger (progress below)"
    "$PY" -m bench.generate -c "$CONF" -d "$BENCH_DB" --size "$SIZE"
    # what autovacuum does to a live database: statistics, and the visibility
    # map that lets PostgreSQL read from indexes alone
    say "VACUUM ANALYZE"
    "$PSQL" -d "$BENCH_DB" -qc "VACUUM ANALYZE"
}

case "${1:-run}" in
    data) bench_data ;;
    run)
        if ! "$PSQL" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$BENCH_DB'" | grep -q 1; then
            bench_data
        else
            # the code measured is this checkout's, whatever version built the ledger
            say "updating credit_management in $BENCH_DB"
            "${ODOO_BIN[@]}" -c "$CONF" -d "$BENCH_DB" -u credit_management --stop-after-init \
                --log-level=warn >"$CACHE/bench-install.log" 2>&1 \
                || { tail -30 "$CACHE/bench-install.log"; die "update failed, see .cache/bench-install.log"; }
        fi
        mkdir -p "$CACHE/bench"
        out="$CACHE/bench/results-$(date +%Y%m%d-%H%M%S).json"
        "$PY" -m bench.run -c "$CONF" -d "$BENCH_DB" --json "$out"
        say "results written to ${out#"$ROOT"/}"
        ;;
    *) die "usage: scripts/bench.sh [data|run]" ;;
esac
