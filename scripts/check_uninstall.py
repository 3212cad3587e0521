# Run by scripts/test.sh through `odoo-bin shell` on a copy of the test database:
# uninstall credit_management and check that it leaves none of its records,
# models or columns behind.
import sys

cr = env.cr  # noqa: F821  (`env` is provided by odoo-bin shell)
module = env["ir.module.module"].search([("name", "=", "credit_management")])  # noqa: F821
assert module.state == "installed", module.state

# stored fields that only this module defines (not the ones it extends)
cr.execute("""
    SELECT replace(f.model, '.', '_'), f.name
      FROM ir_model_fields f
      JOIN ir_model_data d ON d.model = 'ir.model.fields' AND d.res_id = f.id
     WHERE d.module = 'credit_management' AND f.store
       AND NOT EXISTS (SELECT 1 FROM ir_model_data other
                        WHERE other.model = 'ir.model.fields' AND other.res_id = f.id
                          AND other.module != 'credit_management')
""")
columns = cr.fetchall()
module.button_immediate_uninstall()
cr.commit()

cr.execute("SELECT count(*) FROM ir_model_data WHERE module = 'credit_management'")
xmlids = cr.fetchone()[0]
cr.execute(
    "SELECT table_name, column_name FROM information_schema.columns"
    " WHERE (table_name, column_name) IN %s",
    [tuple(columns) or (("", ""),)],
)
left_columns = cr.fetchall()
cr.execute(
    "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE %s",
    ["%\\_credit\\_%\\_idx"],  # the module's own indexes (models.Index)
)
left_indexes = [name for (name,) in cr.fetchall()]
state = module.with_env(module.env(cr=cr)).read(["state"])[0]["state"]
print(
    f"uninstall: state={state}, xmlids left={xmlids}, columns left={left_columns}"
    f" (of {len(columns)} columns the module had)"
)
print(f"uninstall: indexes left={left_indexes}")
sys.exit(0 if state == "uninstalled" and not (xmlids or left_columns or left_indexes) else 1)
