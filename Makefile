# credit_management: the two set-up commands are `make demo` and `make test`.
.PHONY: demo test lint i18n stop bench bench-data

demo:  ## venv, Odoo, PostgreSQL, database credit_demo with demo data, server on :8069
	@scripts/demo.sh

test:  ## lint, then the whole test suite in a fresh database
	@scripts/test.sh

lint:  ## ruff and pylint-odoo
	@scripts/lint.sh

i18n:  ## regenerate i18n/credit_management.pot and merge it into fr.po (fresh database, dropped)
	@scripts/i18n.sh

stop:  ## stop the demo server and the private PostgreSQL cluster
	@scripts/stop.sh

bench-data:  ## database credit_bench with a synthetic ledger: SIZE=small (default) or large
	@SIZE=$(SIZE) scripts/bench.sh data

bench:  ## time every registered operation on credit_bench and print the table
	@scripts/bench.sh run
