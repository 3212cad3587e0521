"""Fill a database that has credit_management installed with a realistic
receivables ledger, fast.

Protocol: one template of each kind of row (customer, invoice, credit note,
payment with its reconciliation, sales order) is made with the ORM, so every
column holds what Odoo itself writes; a plan of customers and invoices is
drawn in SQL (``bench_partner``, ``bench_invoice``, ``bench_order``: one
row per record to make, with its ids taken from the sequences); then each
table is filled with one ``INSERT ... SELECT`` that copies the template row
and replaces the columns that differ.  Nothing goes through Python per row,
so memory stays flat whatever the size.

    python -m bench.generate -c .cache/odoo.conf -d credit_bench --partners 2000 --invoices 50000
"""

import argparse
import logging
import time
from datetime import timedelta

from odoo import Command, fields
from odoo.tools import SQL

from .check import run_check
from .odoo_env import environment, load_config

_logger = logging.getLogger("bench.generate")

SIZES = {"tiny": (20, 400), "small": (2_000, 50_000), "large": (20_000, 500_000)}
# Customer 1 is a key account with many open items, for the order-confirmation
# benchmark: 1 % of the invoices (5,000 at most) and a tenth of that in orders.
KEY_ACCOUNT_SHARE = 0.01
KEY_ACCOUNT_MAX = 5_000
FOREIGN_RATE = 1.25  # foreign units per company unit, constant over the period
PARTIAL_SHARE = 0.08  # paid invoices that are only partly paid
REFUND_SHARE = 0.05
ORDERS_PER_PARTNER = 0.2


def generate(env, partners, invoices, seed=0.42):
    started = time.monotonic()
    cr = env.cr
    templates = make_templates(env)
    env.flush_all()
    cr.execute(SQL("SELECT setseed(%s)", seed))
    skip_foreign_key_checks(cr)
    steps = [
        ("plan customers", plan_partners, partners),
        ("plan invoices and payments", plan_invoices, invoices),
        ("plan sales orders", plan_orders, (int(partners * ORDERS_PER_PARTNER), invoices)),
        ("insert customers", insert_partners, templates),
        ("insert full reconciliations", insert_full_reconciles, templates),
        ("insert invoices", insert_invoices, templates),
        ("insert payments", insert_payments, templates),
        ("insert partial reconciliations", insert_partials, templates),
        ("insert sales orders", insert_orders, templates),
    ]
    for label, step, argument in steps:
        step_started = time.monotonic()
        step(cr, argument)
        _logger.info("%s: %.1f s", label, time.monotonic() - step_started)
    cr.execute("ANALYZE")
    env.invalidate_all()
    env.registry.clear_cache()
    _logger.info("generated in %.1f s", time.monotonic() - started)


# ---------------------------------------------------------------- templates


def make_templates(env):
    """One record of each kind, made by the ORM as a user would."""
    today = fields.Date.context_today(env["res.partner"])
    company = env.company
    foreign = foreign_currency(env, company)
    customer = env["res.partner"].create(
        {"name": "Bench Template Customer", "is_company": True, "customer_rank": 1}
    )

    def invoice(move_type, amount):
        move = env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": customer.id,
                "invoice_date": today - timedelta(days=60),
                "invoice_date_due": today - timedelta(days=30),
                "invoice_line_ids": [
                    Command.create({"name": "Bench", "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        return move

    open_invoice = invoice("out_invoice", 1000.0)
    refund = invoice("out_refund", 100.0)
    paid_invoice = invoice("out_invoice", 1000.0)
    payment = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=paid_invoice.ids)
        .create({"payment_date": today - timedelta(days=20)})
        ._create_payments()
    )
    product = env["product.product"].create(
        {
            "name": "Bench Service",
            "type": "service",
            "invoice_policy": "order",
            "taxes_id": [Command.clear()],
        }
    )
    order = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "order_line": [
                Command.create(
                    {"product_id": product.id, "price_unit": 1000.0, "tax_ids": [Command.clear()]}
                )
            ],
        }
    )
    order.action_confirm()

    def lines(move):
        by_type = {line.display_type: line.id for line in move.line_ids}
        return by_type["product"], by_type["payment_term"]

    receivable = paid_invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
    partial = receivable.matched_credit_ids
    payment_lines = payment.move_id.line_ids
    return {
        "partner": customer.id,
        "foreign_currency": foreign.id,
        "invoice": open_invoice.id,
        "invoice_lines": lines(open_invoice),
        "refund": refund.id,
        "refund_lines": lines(refund),
        "paid_state": paid_invoice.payment_state,
        "payment": payment.id,
        "payment_move": payment.move_id.id,
        "payment_out_line": (payment_lines - partial.credit_move_id).id,
        "payment_receivable_line": partial.credit_move_id.id,
        "partial": partial.id,
        "full": receivable.full_reconcile_id.id,
        "order": order.id,
        "order_line": order.order_line.id,
    }


def foreign_currency(env, company):
    """A currency other than the company's, with one rate for the whole period."""
    currency = (
        env["res.currency"]
        .with_context(active_test=False)
        .search([("name", "in", ("EUR", "USD")), ("id", "!=", company.currency_id.id)], limit=1)
    )
    currency.active = True
    env["res.currency.rate"].search(
        [("currency_id", "=", currency.id), ("company_id", "in", (company.id, False))]
    ).unlink()
    env["res.currency.rate"].create(
        {
            "currency_id": currency.id,
            "company_id": company.id,
            "rate": FOREIGN_RATE,
            "name": "2000-01-01",
        }
    )
    return currency


def skip_foreign_key_checks(cr):
    """Foreign keys are checked by triggers, one lookup per key per row: most
    of the insert time.  Every id written here comes from the sequences or
    from rows just written, so a superuser may skip them for this
    transaction; other roles keep them, only slower."""
    cr.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cr.fetchone()[0]:
        cr.execute("SET LOCAL session_replication_role = replica")
    else:
        _logger.info("not a PostgreSQL superuser: foreign keys checked row by row (slower)")


# --------------------------------------------------------------------- plan


def plan_partners(cr, count):
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_partner AS
            SELECT n, nextval('res_partner_id_seq') AS id,
                   CASE WHEN r < 0.4 THEN 'punctual' WHEN r < 0.7 THEN 'slow'
                        WHEN r < 0.9 THEN 'erratic' ELSE 'defaulting' END AS habit,
                   random() < 0.02 AS is_foreign
              FROM (SELECT n, random() AS r FROM generate_series(1, %s) n) drawn;
            CREATE UNIQUE INDEX ON bench_partner (n);
            """,
            count,
        )
    )


def plan_invoices(cr, count):
    """Invoices over the last 24 months, 30 days to pay; each customer pays
    by its habit; payments dated after today have not happened yet."""
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_drawn AS
            SELECT n,
                   CASE WHEN n <= %(key_invoices)s THEN 1
                        ELSE 1 + floor((SELECT count(*) FROM bench_partner)
                                       * power(random(), 1.5))::int END AS partner_n,
                   random() < %(refund_share)s AS is_refund,
                   CURRENT_DATE - (random() * 730)::int AS invoice_date,
                   round((100 + random() * 9900)::numeric, 2) AS amount_currency,
                   random() AS r_pay, random() AS r_partial, random() AS r_frac,
                   random() AS r_default
              FROM generate_series(1, %(count)s) n;

            CREATE TEMP TABLE bench_paid AS
            SELECT d.*, p.id AS partner_id, p.is_foreign,
                   d.invoice_date + 30 AS due_date,
                   CASE WHEN p.is_foreign THEN round(d.amount_currency / %(rate)s, 2)
                        ELSE d.amount_currency END AS amount,
                   CASE WHEN d.is_refund THEN NULL
                        WHEN p.habit = 'punctual'
                        THEN d.invoice_date + 30 - floor(d.r_pay * 10)::int
                        WHEN p.habit = 'slow'
                        THEN d.invoice_date + 40 + floor(d.r_pay * 50)::int
                        WHEN p.habit = 'erratic'
                        THEN d.invoice_date + 25 + floor(d.r_pay * 125)::int
                        WHEN d.r_default < 0.5 AND d.invoice_date + 30 > CURRENT_DATE - 400
                        THEN NULL  -- defaulting: half of the last 400 days never paid
                        ELSE d.invoice_date + 90 + floor(d.r_pay * 140)::int END AS pay_date
              FROM bench_drawn d JOIN bench_partner p ON p.n = d.partner_n;
            UPDATE bench_paid SET pay_date = NULL
             WHERE pay_date > CURRENT_DATE OR n <= %(key_invoices)s;

            CREATE TEMP TABLE bench_invoice AS
            SELECT *,
                   amount_currency - paid_currency AS residual_currency,
                   amount - paid AS residual,
                   nextval('account_move_id_seq') AS move_id,
                   nextval('account_move_line_id_seq') AS income_line_id,
                   nextval('account_move_line_id_seq') AS receivable_line_id,
                   CASE WHEN paid > 0 THEN nextval('account_move_id_seq') END AS pay_move_id,
                   CASE WHEN paid > 0 THEN nextval('account_move_line_id_seq') END
                       AS pay_out_line_id,
                   CASE WHEN paid > 0 THEN nextval('account_move_line_id_seq') END
                       AS pay_receivable_line_id,
                   CASE WHEN paid > 0 THEN nextval('account_payment_id_seq') END AS payment_id,
                   CASE WHEN paid > 0 THEN nextval('account_partial_reconcile_id_seq') END
                       AS partial_id,
                   CASE WHEN paid > 0 AND paid = amount
                        THEN nextval('account_full_reconcile_id_seq') END AS full_id
              FROM (
                SELECT *,
                       CASE WHEN paid_currency = amount_currency THEN amount
                            WHEN is_foreign THEN round(paid_currency / %(rate)s, 2)
                            ELSE paid_currency END AS paid
                  FROM (
                    SELECT *,
                           CASE WHEN pay_date IS NULL THEN 0
                                WHEN r_partial < %(partial_share)s
                                THEN round(amount_currency * (0.3 + 0.4 * r_frac)::numeric, 2)
                                ELSE amount_currency END AS paid_currency
                      FROM bench_paid
                  ) with_paid_currency
              ) with_paid
             ORDER BY n;
            CREATE UNIQUE INDEX ON bench_invoice (n);
            DROP TABLE bench_drawn, bench_paid;
            """,
            count=count,
            key_invoices=key_account_invoices(count),
            rate=FOREIGN_RATE,
            refund_share=REFUND_SHARE,
            partial_share=PARTIAL_SHARE,
        )
    )


def plan_orders(cr, counts):
    """Confirmed orders not invoiced yet; the key account gets a tenth as many
    as its open invoices."""
    count, invoices = counts
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE bench_order AS
            SELECT g.k AS n, p.id AS partner_id,
                   round((200 + random() * 4800)::numeric, 2) AS amount,
                   nextval('sale_order_id_seq') AS order_id,
                   nextval('sale_order_line_id_seq') AS line_id
              FROM generate_series(1, %(count)s) g(k)
              JOIN bench_partner p
                ON p.n = CASE WHEN g.k <= %(key_orders)s THEN 1
                              ELSE 1 + (g.k * 7 %% (SELECT count(*) FROM bench_partner)) END;
            """,
            count=max(count, key_account_invoices(invoices) // 10),
            key_orders=key_account_invoices(invoices) // 10,
        )
    )


def key_account_invoices(invoices):
    return min(int(invoices * KEY_ACCOUNT_SHARE), KEY_ACCOUNT_MAX)


# ------------------------------------------------------------------- insert


def clone(cr, table, template_id, source, overrides):
    """Copy row ``template_id`` of ``table`` once per row of ``source`` (an
    SQL relation aliased ``s``), replacing the columns in ``overrides``
    (column name: SQL expression over ``s`` and the template ``t``)."""
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
            table,
        )
    )
    columns = [name for (name,) in cr.fetchall()]
    unknown = set(overrides) - set(columns)
    assert not unknown, f"{table} has no column {unknown}"
    values = [
        overrides[name] if name in overrides else SQL("t.%s", SQL.identifier(name))
        for name in columns
    ]
    cr.execute(
        SQL(
            "INSERT INTO %(table)s (%(columns)s) SELECT %(values)s FROM %(source)s,"
            " %(table)s t WHERE t.id = %(template)s",
            table=SQL.identifier(table),
            columns=SQL(", ").join(SQL.identifier(name) for name in columns),
            values=SQL(", ").join(values),
            source=source,
            template=template_id,
        )
    )


def document_currency(templates, column="currency_id"):
    """The planned row's currency: the foreign one for foreign customers,
    else the template's (the company currency)."""
    return SQL(
        "CASE WHEN s.is_foreign THEN %s ELSE t.%s END",
        templates["foreign_currency"],
        SQL.identifier(column),
    )


def insert_partners(cr, templates):
    name = SQL("'Bench Customer ' || lpad(s.n::text, 6, '0')")
    clone(
        cr,
        "res_partner",
        templates["partner"],
        SQL("bench_partner s"),
        {
            "id": SQL("s.id"),
            "name": name,
            "complete_name": name,
            "commercial_partner_id": SQL("s.id"),
            "commercial_company_name": name,
            "email": SQL("'customer' || s.n || '@bench.example.com'"),
            "email_normalized": SQL("'customer' || s.n || '@bench.example.com'"),
        },
    )


def insert_invoices(cr, templates):
    for is_refund, kind in ((False, "invoice"), (True, "refund")):
        source = SQL("(SELECT * FROM bench_invoice WHERE is_refund = %s) s", is_refund)
        sign = SQL("(-1)") if is_refund else SQL("(1)")
        prefix = "BNCH/RINV/" if is_refund else "BNCH/INV/"
        currency = document_currency(templates)
        state = SQL(
            "CASE WHEN s.residual = 0 THEN %s WHEN s.paid > 0 THEN 'partial' ELSE 'not_paid' END",
            templates["paid_state"],
        )
        clone(
            cr,
            "account_move",
            templates[kind],
            source,
            {
                "id": SQL("s.move_id"),
                "name": SQL("%s || lpad(s.n::text, 7, '0')", prefix),
                "sequence_prefix": SQL("%s", prefix),
                "sequence_number": SQL("s.n"),
                "payment_reference": SQL("%s || lpad(s.n::text, 7, '0')", prefix),
                "partner_id": SQL("s.partner_id"),
                "commercial_partner_id": SQL("s.partner_id"),
                "partner_shipping_id": SQL("s.partner_id"),
                "invoice_partner_display_name": SQL(
                    "'Bench Customer ' || lpad(s.partner_id::text, 6, '0')"
                ),
                "currency_id": currency,
                "invoice_currency_rate": SQL(
                    "CASE WHEN s.is_foreign THEN %s ELSE 1 END", FOREIGN_RATE
                ),
                "date": SQL("s.invoice_date"),
                "invoice_date": SQL("s.invoice_date"),
                "invoice_date_due": SQL("s.due_date"),
                "amount_untaxed": SQL("s.amount_currency"),
                "amount_total": SQL("s.amount_currency"),
                "amount_residual": SQL("s.residual_currency"),
                "amount_untaxed_signed": SQL("%s * s.amount", sign),
                "amount_total_signed": SQL("%s * s.amount", sign),
                "amount_residual_signed": SQL("%s * s.residual", sign),
                "amount_untaxed_in_currency_signed": SQL("%s * s.amount_currency", sign),
                "amount_total_in_currency_signed": SQL("%s * s.amount_currency", sign),
                "payment_state": state,
                "access_token": SQL("NULL"),
                "inalterable_hash": SQL("NULL"),
                "secure_sequence_number": SQL("NULL"),
            },
        )
        income_line, receivable_line = templates[f"{kind}_lines"]
        # income line: credit for an invoice, debit for a credit note
        common = {
            "move_id": SQL("s.move_id"),
            "move_name": SQL("%s || lpad(s.n::text, 7, '0')", prefix),
            "partner_id": SQL("s.partner_id"),
            "currency_id": currency,
            "date": SQL("s.invoice_date"),
            "invoice_date": SQL("s.invoice_date"),
        }
        clone(
            cr,
            "account_move_line",
            income_line,
            source,
            {
                **common,
                "id": SQL("s.income_line_id"),
                "debit": SQL("CASE WHEN %s < 0 THEN s.amount ELSE 0 END", sign),
                "credit": SQL("CASE WHEN %s > 0 THEN s.amount ELSE 0 END", sign),
                "balance": SQL("-%s * s.amount", sign),
                "amount_currency": SQL("-%s * s.amount_currency", sign),
                "price_unit": SQL("s.amount_currency"),
                "price_subtotal": SQL("s.amount_currency"),
                "price_total": SQL("s.amount_currency"),
            },
        )
        clone(
            cr,
            "account_move_line",
            receivable_line,
            source,
            {
                **common,
                "id": SQL("s.receivable_line_id"),
                "debit": SQL("CASE WHEN %s > 0 THEN s.amount ELSE 0 END", sign),
                "credit": SQL("CASE WHEN %s < 0 THEN s.amount ELSE 0 END", sign),
                "balance": SQL("%s * s.amount", sign),
                "amount_currency": SQL("%s * s.amount_currency", sign),
                "amount_residual": SQL("%s * s.residual", sign),
                "amount_residual_currency": SQL("%s * s.residual_currency", sign),
                "reconciled": SQL("s.residual = 0"),
                "full_reconcile_id": SQL("s.full_id"),
                "matching_number": SQL(
                    "CASE WHEN s.full_id IS NOT NULL THEN s.full_id::text"
                    " WHEN s.partial_id IS NOT NULL THEN 'P' || s.partial_id END"
                ),
                "date_maturity": SQL("s.due_date"),
                "price_unit": SQL("-%s * s.amount_currency", sign),
                "price_subtotal": SQL("-%s * s.amount_currency", sign),
                "price_total": SQL("-%s * s.amount_currency", sign),
            },
        )


def insert_payments(cr, templates):
    source = SQL("(SELECT * FROM bench_invoice WHERE paid > 0) s")
    currency = document_currency(templates)
    name = SQL("'BNCH/PAY/' || lpad(s.n::text, 7, '0')")
    clone(
        cr,
        "account_move",
        templates["payment_move"],
        source,
        {
            "id": SQL("s.pay_move_id"),
            "name": name,
            "sequence_prefix": SQL("'BNCH/PAY/'"),
            "sequence_number": SQL("s.n"),
            "origin_payment_id": SQL("NULL"),  # set once the payment exists
            "partner_id": SQL("s.partner_id"),
            "commercial_partner_id": SQL("s.partner_id"),
            "currency_id": currency,
            "date": SQL("s.pay_date"),
            "amount_total": SQL("s.paid_currency"),
            "amount_total_signed": SQL("s.paid"),
            "amount_total_in_currency_signed": SQL("s.paid_currency"),
            "access_token": SQL("NULL"),
            "inalterable_hash": SQL("NULL"),
            "secure_sequence_number": SQL("NULL"),
        },
    )
    clone(
        cr,
        "account_payment",
        templates["payment"],
        source,
        {
            "id": SQL("s.payment_id"),
            "move_id": SQL("s.pay_move_id"),
            "partner_id": SQL("s.partner_id"),
            "currency_id": currency,
            "name": name,
            "memo": SQL("'BNCH/INV/' || lpad(s.n::text, 7, '0')"),
            "date": SQL("s.pay_date"),
            "amount": SQL("s.paid_currency"),
            "amount_company_currency_signed": SQL("s.paid"),
        },
    )
    cr.execute(
        "UPDATE account_move move SET origin_payment_id = s.payment_id"
        " FROM bench_invoice s WHERE s.pay_move_id = move.id"
    )
    common = {
        "move_id": SQL("s.pay_move_id"),
        "move_name": name,
        "partner_id": SQL("s.partner_id"),
        "currency_id": currency,
        "date": SQL("s.pay_date"),
        "date_maturity": SQL("s.pay_date"),
        "payment_id": SQL("s.payment_id"),
    }
    clone(
        cr,
        "account_move_line",
        templates["payment_out_line"],
        source,
        {
            **common,
            "id": SQL("s.pay_out_line_id"),
            "debit": SQL("s.paid"),
            "balance": SQL("s.paid"),
            "amount_currency": SQL("s.paid_currency"),
            "amount_residual": SQL("s.paid"),
            "amount_residual_currency": SQL("s.paid_currency"),
        },
    )
    clone(
        cr,
        "account_move_line",
        templates["payment_receivable_line"],
        source,
        {
            **common,
            "id": SQL("s.pay_receivable_line_id"),
            "credit": SQL("s.paid"),
            "balance": SQL("-s.paid"),
            "amount_currency": SQL("-s.paid_currency"),
            "amount_residual": SQL("0"),
            "amount_residual_currency": SQL("0"),
            "reconciled": SQL("TRUE"),
            "full_reconcile_id": SQL("s.full_id"),
            "matching_number": SQL(
                "CASE WHEN s.full_id IS NOT NULL THEN s.full_id::text ELSE 'P' || s.partial_id END"
            ),
        },
    )
    cr.execute(
        "INSERT INTO account_move__account_payment (invoice_id, payment_id)"
        " SELECT move_id, payment_id FROM bench_invoice WHERE paid > 0"
    )


def insert_full_reconciles(cr, templates):
    clone(
        cr,
        "account_full_reconcile",
        templates["full"],
        SQL("(SELECT * FROM bench_invoice WHERE full_id IS NOT NULL) s"),
        {"id": SQL("s.full_id")},
    )


def insert_partials(cr, templates):
    currency = document_currency(templates, "debit_currency_id")
    clone(
        cr,
        "account_partial_reconcile",
        templates["partial"],
        SQL("(SELECT * FROM bench_invoice WHERE paid > 0) s"),
        {
            "id": SQL("s.partial_id"),
            "debit_move_id": SQL("s.receivable_line_id"),
            "credit_move_id": SQL("s.pay_receivable_line_id"),
            "full_reconcile_id": SQL("s.full_id"),
            "debit_currency_id": currency,
            "credit_currency_id": currency,
            "amount": SQL("s.paid"),
            "debit_amount_currency": SQL("s.paid_currency"),
            "credit_amount_currency": SQL("s.paid_currency"),
            "max_date": SQL("s.pay_date"),
        },
    )


def insert_orders(cr, templates):
    source = SQL("bench_order s")
    clone(
        cr,
        "sale_order",
        templates["order"],
        source,
        {
            "id": SQL("s.order_id"),
            "name": SQL("'BNCH/SO/' || lpad(s.n::text, 6, '0')"),
            "partner_id": SQL("s.partner_id"),
            "partner_invoice_id": SQL("s.partner_id"),
            "partner_shipping_id": SQL("s.partner_id"),
            "amount_untaxed": SQL("s.amount"),
            "amount_total": SQL("s.amount"),
            "access_token": SQL("NULL"),
        },
    )
    clone(
        cr,
        "sale_order_line",
        templates["order_line"],
        source,
        {
            "id": SQL("s.line_id"),
            "order_id": SQL("s.order_id"),
            "order_partner_id": SQL("s.partner_id"),
            "price_unit": SQL("s.amount"),
            "technical_price_unit": SQL("s.amount"),
            "price_subtotal": SQL("s.amount"),
            "price_total": SQL("s.amount"),
            "price_reduce_taxexcl": SQL("s.amount"),
            "price_reduce_taxinc": SQL("s.amount"),
            "untaxed_amount_to_invoice": SQL("s.amount"),
        },
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--size",
        choices=SIZES,
        help="preset: "
        + ", ".join(f"{name} = {p:,} customers / {i:,} invoices" for name, (p, i) in SIZES.items()),
    )
    parser.add_argument("--partners", type=int)
    parser.add_argument("--invoices", type=int)
    args = parser.parse_args()
    partners, invoices = SIZES[args.size] if args.size else (args.partners, args.invoices)
    if not partners or not invoices:
        parser.error("give --size, or --partners and --invoices")
    load_config(args.config, args.database)
    with environment(args.database, commit=True) as env:
        generate(env, partners, invoices)
    run_check(args.database)


if __name__ == "__main__":
    main()
