#!/usr/bin/env bash
# make test: lint, then the whole suite in a fresh database that is dropped at the end.
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/lint.sh"
bootstrap

# Browser tours need Chromium, PDF reports wkhtmltopdf: install them when we can.
missing=()
command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
    || command -v google-chrome >/dev/null || command -v google-chrome-stable >/dev/null \
    || missing+=(chromium)
command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${missing[*]} with apt-get"
    { apt-get install -y --no-install-recommends "${missing[@]}" \
        || { apt-get update && apt-get install -y --no-install-recommends "${missing[@]}"; }; } >"$CACHE/apt.log" 2>&1 \
        || die "apt-get could not install ${missing[*]}, see .cache/apt.log"
    missing=()
fi
ALLOW_SKIP=0
if [ ${#missing[@]} -gt 0 ]; then
    say "WARNING: ${missing[*]} missing (install them as root: apt-get install ${missing[*]}); the tests needing them are skipped"
    ALLOW_SKIP=1
fi

DB="cm_test_$(date +%Y%m%d%H%M%S)_$$"
PSQL=$(pg_bin psql)
DROPDB=$(pg_bin dropdb)
cleanup() {
    "$DROPDB" --if-exists --force "$DB" >/dev/null 2>&1 || true
    "$DROPDB" --if-exists --force "${DB}_uninstall" >/dev/null 2>&1 || true
    "$DROPDB" --if-exists --force "${DB}_bench" >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "installing credit_management with demo data in $DB"
"${ODOO_BIN[@]}" -c "$CONF" -d "$DB" -i credit_management --with-demo --stop-after-init \
    --log-level=warn >"$CACHE/test-install.log" 2>&1 \
    || { tail -40 "$CACHE/test-install.log"; die "installation failed, see .cache/test-install.log"; }
if grep -E " (ERROR|CRITICAL) " "$CACHE/test-install.log"; then
    die "installation logged errors, see .cache/test-install.log"
fi

# Demo data holds posted invoices, which Odoo never deletes: the lifecycle
# check uses its own database without demo data.
say "install and uninstall check in a fresh database without demo data"
"${ODOO_BIN[@]}" -c "$CONF" -d "${DB}_uninstall" -i credit_management --stop-after-init \
    --log-level=warn >"$CACHE/test-uninstall.log" 2>&1 \
    || { tail -40 "$CACHE/test-uninstall.log"; die "installation without demo data failed, see .cache/test-uninstall.log"; }
"${ODOO_BIN[@]}" shell -c "$CONF" -d "${DB}_uninstall" --log-level=warn --no-http \
    < "$ROOT/scripts/check_uninstall.py" 2>>"$CACHE/test-uninstall.log" \
    || { tail -40 "$CACHE/test-uninstall.log"; die "uninstalling the module failed, see .cache/test-uninstall.log"; }

say "benchmark generator: a tiny ledger on a copy of $DB, and its consistency check"
"$PSQL" -d postgres -qc "CREATE DATABASE \"${DB}_bench\" TEMPLATE \"$DB\""
(cd "$ROOT" && "$PY" -m bench.generate -c "$CONF" -d "${DB}_bench" --size tiny) \
    >"$CACHE/test-bench.log" 2>&1 \
    || { tail -20 "$CACHE/test-bench.log"; die "the benchmark generator failed, see .cache/test-bench.log"; }
tail -1 "$CACHE/test-bench.log"

say "running the tests"
cd "$ROOT"
status=0
"$VENV/bin/pytest" --odoo-config "$CONF" --odoo-database "$DB" --odoo-http \
    --junitxml "$CACHE/junit.xml" -o junit_family=xunit2 -rs "$@" \
    credit_management/tests tests || status=$?
[ "$status" = 0 ] || exit "$status"
skipped=$("$PY" -c "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); print(sum(int(s.get('skipped', 0)) for s in r.iter('testsuite')))" "$CACHE/junit.xml")
if [ "$skipped" != 0 ] && [ "$ALLOW_SKIP" = 0 ]; then
    die "$skipped test(s) were skipped although every tool they need is installed: nothing may be skipped."
fi
