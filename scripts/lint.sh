#!/usr/bin/env bash
# make lint: ruff (style, errors) and pylint-odoo (OCA's Odoo checks) on the add-on and scripts.
source "$(dirname "$0")/lib.sh"

ensure_venv "$(find_odoo)"
cd "$ROOT"
say "ruff"
"$VENV/bin/ruff" check credit_management scripts tests bench
"$VENV/bin/ruff" format --check credit_management scripts tests bench
say "pylint-odoo"
"$VENV/bin/pylint" --rcfile=.pylintrc credit_management
