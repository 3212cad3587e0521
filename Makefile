# credit_management: the two set-up commands are `make demo` and `make test`.
.PHONY: demo test lint stop

demo:  ## venv, Odoo, PostgreSQL, database credit_demo with demo data, server on :8069
	@scripts/demo.sh

test:  ## lint, then the whole test suite in a fresh database
	@scripts/test.sh

lint:  ## ruff and pylint-odoo
	@scripts/lint.sh

stop:  ## stop the demo server and the private PostgreSQL cluster
	@scripts/stop.sh
