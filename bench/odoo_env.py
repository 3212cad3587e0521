"""Open an Odoo environment on a database from a plain Python script."""

from contextlib import contextmanager

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry


def load_config(config_file, database, log_level="info"):
    odoo.tools.config.parse_config(
        ["-c", config_file, "-d", database, f"--log-level={log_level}"], setup_logging=True
    )


@contextmanager
def environment(database, commit=False):
    """An environment as superuser; rolled back unless ``commit``."""
    registry = Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        try:
            yield env
            if commit:
                cr.commit()
            else:
                cr.rollback()
        except BaseException:
            cr.rollback()
            raise
