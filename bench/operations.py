"""The operations `make bench` measures, with their targets.

Each operation is a function ``(env) -> None`` timed alone; an optional
``setup(env)`` prepares what it needs (untimed, same transaction).  Every run
is rolled back, so operations can be repeated.  A target of None marks a
reference line: the plain SQL floor for the same totals; an operation may
also have to stay within a factor of one (``reference``, ``factor``).

Feature issues register their operations here.
"""

import io
from dataclasses import dataclass
from datetime import date

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tools import SQL


@dataclass(frozen=True)
class Operation:
    name: str
    run: callable
    target: callable = None  # (env) -> seconds, or None for a reference line
    setup: callable = None
    target_label: str = ""
    # At most ``factor`` times the median of the reference line named so.
    reference: str = None
    factor: float = None
    # At most this much Python memory at the peak (MiB), when set.
    peak_mib: float = None


def customers(env):
    return env["res.partner"].search([("customer_rank", ">", 0), ("parent_id", "=", False)])


# ---------------------------------------------------------------- exposure


def exposure_of_all_customers(env):
    partners = customers(env)
    partners.mapped("credit_exposure")


def open_receivables_by_customer(env):
    """FROM, WHERE and GROUP BY of the reference lines: the company's open
    receivable items, grouped by customer, with nothing of the module."""
    return SQL(
        """
          FROM account_move_line line
          JOIN account_account account ON account.id = line.account_id
          JOIN res_partner partner ON partner.id = line.partner_id
         WHERE account.account_type = 'asset_receivable' AND line.amount_residual != 0
           AND line.parent_state = 'posted' AND line.company_id = %s
         GROUP BY partner.commercial_partner_id
        """,
        env.company.id,
    )


def exposure_sql_floor(env):
    env.execute_query(
        SQL(
            """
            SELECT partner.commercial_partner_id, sum(line.amount_residual)
            %s
            """,
            open_receivables_by_customer(env),
        )
    )


def customers_over_limit(env):
    env["res.partner"].search([("credit_over_limit", "=", True)])


def seconds(limit):
    """A fixed target, whatever the data."""
    return lambda env: limit


def per_10000_customers(env):
    return max(1.0, len(customers(env)) / 10_000)


# ------------------------------------------------------ order confirmation


def key_account(env):
    """The customer with the most open receivable items."""
    return env["res.partner"].browse(_customers_by_open_items(env, "DESC"))


def small_account(env):
    """A customer with a single open receivable item."""
    return env["res.partner"].browse(_customers_by_open_items(env, "ASC"))


def _customers_by_open_items(env, direction):
    return env.execute_query(
        SQL(
            """
            SELECT line.partner_id
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
             WHERE account.account_type = 'asset_receivable' AND line.amount_residual != 0
               AND line.parent_state = 'posted'
             GROUP BY line.partner_id ORDER BY count(*) %s, line.partner_id LIMIT 1
            """,
            SQL(direction),
        )
    )[0][0]


def quotation_for(partner_of):
    """Setup: a quotation of 100 for the customer ``partner_of(env)`` returns,
    under an unreachable limit so that the check runs in full and passes."""

    def setup(env):
        partner = partner_of(env)
        product = env["product.product"].search([("name", "=", "Bench Service")], limit=1)
        env.company.account_use_credit_limit = True
        partner.credit_limit = 1e12
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": 100.0})],
            }
        )
        env.flush_all()
        env.invalidate_all()
        return order

    return setup


def credit_check(env, order):
    assert not env["credit.blocking"]._blocked_orders(order)


def confirm_order(env, order):
    order.action_confirm()
    env.flush_all()


# ------------------------------------------------------------- aged balance


def aged_balance_as_of(months_ago):
    """The aged balance of every customer, one row per customer with its
    buckets, as the list grouped by customer shows it."""

    def run(env):
        as_of = date.today() - relativedelta(months=months_ago)
        env["credit.aged.balance"].with_context(credit_as_of=str(as_of))._read_group(
            [],
            ["partner_id"],
            [
                "residual:sum",
                "not_due:sum",
                "bucket_1:sum",
                "bucket_2:sum",
                "bucket_3:sum",
                "bucket_4:sum",
                "older:sum",
            ],
        )

    return run


def aged_balance_sql_floor(env):
    """Today's buckets straight from the open items, no as-of logic."""
    return env.execute_query(
        SQL(
            """
            SELECT partner.commercial_partner_id,
                   sum(line.amount_residual) FILTER (WHERE line.date_maturity >= CURRENT_DATE),
                   sum(line.amount_residual) FILTER (
                       WHERE CURRENT_DATE - line.date_maturity BETWEEN 1 AND 30),
                   sum(line.amount_residual) FILTER (
                       WHERE CURRENT_DATE - line.date_maturity BETWEEN 31 AND 60),
                   sum(line.amount_residual) FILTER (
                       WHERE CURRENT_DATE - line.date_maturity BETWEEN 61 AND 90),
                   sum(line.amount_residual) FILTER (
                       WHERE CURRENT_DATE - line.date_maturity BETWEEN 91 AND 120),
                   sum(line.amount_residual) FILTER (WHERE CURRENT_DATE - line.date_maturity > 120)
            %s
            """,
            open_receivables_by_customer(env),
        )
    )


def aged_balance_xlsx_floor(env):
    """The floor's rows written straight into a workbook: the cost of the
    XLSX format itself, without options, names or formulas."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = workbook.add_worksheet()
    amount = workbook.add_format({"num_format": "#,##0.00"})
    for row, (partner_id, *amounts) in enumerate(aged_balance_sql_floor(env)):
        sheet.write_number(row, 0, partner_id)
        for col, value in enumerate(amounts, start=1):
            sheet.write_number(row, col, value or 0.0, amount)
    workbook.close()


def receivable_balance_sql_floor(months_ago):
    """The receivable balance of each customer at a past date, the total an
    aged balance as of that date must reach, from the ledger alone."""

    def run(env):
        env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id, sum(line.balance)
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE account.account_type = 'asset_receivable'
                   AND line.parent_state = 'posted' AND line.company_id = %s
                   AND line.date <= %s
                 GROUP BY partner.commercial_partner_id
                """,
                env.company.id,
                date.today() - relativedelta(months=months_ago),
            )
        )

    return run


def aged_balance_options(env):
    """Setup: the aged balance options of today, every customer."""
    return env["credit.aged.balance.wizard"].create({})


def aged_balance_xlsx(env, wizard):
    """What the XLSX route does: the data, then the workbook."""
    env["report.credit_management.aged_balance_xlsx"]._render(wizard._report_data())


# ---------------------------------------------------------------- KPIs


def credit_dashboard(env):
    """Every figure of the credit dashboard of the current company, whose
    forecast reads the customers' latest behaviour figures."""
    env["credit.dashboard"].get_figures()


def kpis_of_last_year_by_customer(env):
    """The KPI report of the last full calendar year, one row per customer."""
    year = date.today().year - 1
    env["credit.kpi"]._kpis(env.company, date(year, 1, 1), date(year, 12, 31), "customer")


def kpis_sql_floor(env):
    """Receivable movements per customer and month up to the year end: the
    one scan of the receivable lines any KPI report needs."""
    year = date.today().year - 1
    env.execute_query(
        SQL(
            """
            SELECT partner.commercial_partner_id, date_trunc('month', line.date),
                   sum(line.balance)
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN res_partner partner ON partner.id = line.partner_id
             WHERE account.account_type = 'asset_receivable' AND line.parent_state = 'posted'
               AND line.company_id = %s AND line.date <= %s
             GROUP BY 1, 2
            """,
            env.company.id,
            date(year, 12, 31),
        )
    )


KPI_FLOOR = "  reference: SQL receivable movements per customer and month"

# ----------------------------------------------------------------- dunning

SENT_BATCH = 200  # reminders timed by the sending operation
PENALTY_INVOICED = 50  # reminders whose penalty invoices are timed


def with_standard_scenario(env):
    """Setup: the shipped ladder as the company's default scenario.  Its
    formal notice charges penalties: at a contractual rate, since the
    shipped rate table has no rate yet for the second half of 2026."""
    env.company.credit_dunning_scenario_id = env.ref("credit_management.dunning_scenario_default")
    env.company.write({"credit_penalty_rate_type": "fixed", "credit_penalty_fixed_rate": 12.15})
    env.flush_all()


def dunning_run(env):
    """A full run of today: selection, grouping, every reminder and line."""
    run = env["credit.dunning.run"]._create_run(env.company, date.today())
    env.flush_all()
    return run


def ready_reminders(env):
    """Setup: today's run, then ``SENT_BATCH`` of its reminders of levels
    that send an e-mail, ready to send, their customers given an address
    (the generated ones have none): SMS, letters and call activities,
    which are no e-mails, and the invoice PDFs (one wkhtmltopdf call each)
    are switched off.  Their penalty invoices are created, as the scheduled
    action does before it sends."""
    with_standard_scenario(env)
    run = dunning_run(env)
    reminders = run.communication_ids.filtered(lambda c: c.level_id.channel_email)[:SENT_BATCH]
    reminders.level_id.write(
        {
            "channel_sms": False,
            "channel_letter": False,
            "channel_activity": False,
            "attach_invoices": False,
        }
    )
    reminders.partner_id.filtered(lambda partner: not partner.email).write(
        {"email": "accounts@example.com"}
    )
    reminders.write({"state": "draft"})
    # the scheduled action's step before sending, timed on its own
    reminders._create_penalty_invoices()
    env.flush_all()
    env.invalidate_all()
    return reminders


def send_reminders(env, reminders):
    reminders.action_send()
    env.flush_all()


# ------------------------------------------------------------- statements


def statement_page(env, partner):
    """What /my/statement computes for the customer ``partner``: totals,
    aged summary, the first page of open items and the last payments."""
    partner = partner.commercial_partner_id
    statement = env["credit.statement"].sudo()
    statement._summary(partner, env.company)
    statement._open_items(partner, env.company, limit=80)
    statement._last_payments(partner, env.company)


def customers_with_open_items(env):
    """Setup: 100 customers with open items, as a user selects them."""
    return [
        row[0]
        for row in env.execute_query(
            SQL(
                """
                SELECT DISTINCT partner.commercial_partner_id
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE account.account_type = 'asset_receivable' AND line.amount_residual != 0
                   AND line.parent_state = 'posted'
                 LIMIT 100
                """
            )
        )
    ]


def statement_pdf_data(env, partner_ids):
    """The outstanding statement PDF's data for these customers."""
    env["report.credit_management.report_credit_statement"]._get_report_values(partner_ids)


def run_without_penalties(env):
    """Setup: today's run with no level charging penalties, then every
    level charging them: the penalty step then covers every customer's
    overdue invoices."""
    with_standard_scenario(env)
    levels = env.company.credit_dunning_scenario_id.level_ids
    levels.charge_penalties = False
    run = dunning_run(env)
    levels.charge_penalties = True
    env.flush_all()
    env.invalidate_all()
    return run


def penalty_step(env, run):
    """Interest, indemnities and ledger lines (to invoice) of every reminder:
    what the run does; the penalty invoices are created later."""
    env["credit.penalty.charge"]._charge(run.communication_ids)
    env.flush_all()


def reminders_to_invoice(env):
    """Setup: today's run with every level charging penalties (the formal
    notice alone has too few reminders), then ``PENALTY_INVOICED`` of its
    reminders with penalties to invoice."""
    with_standard_scenario(env)
    env.company.credit_dunning_scenario_id.level_ids.charge_penalties = True
    run = dunning_run(env)
    lines = env["credit.penalty.line"].search(
        [("communication_id", "in", run.communication_ids.ids), ("state", "=", "to_invoice")],
        order="communication_id",
    )
    reminders = lines.communication_id[:PENALTY_INVOICED]
    assert len(reminders) == PENALTY_INVOICED, f"{len(reminders)} reminders to invoice only"
    env.invalidate_all()
    return reminders


def create_penalty_invoices(env, reminders):
    """One batch of the scheduled action: the reminders' penalty invoices."""
    reminders._create_penalty_invoices()
    env.flush_all()


# ----------------------------------------------------------- risk scores


def scores_of_all_customers(env):
    """Behaviour figures, scores and segments of every customer of the
    company at once (what one run of the nightly job does)."""
    env["credit.score"]._compute_scores(env.company)
    env.flush_all()


def with_scores(env):
    """Setup: last night's behaviour figures and scores of every customer."""
    scores_of_all_customers(env)
    env.invalidate_all()


RISKY_DOMAIN = [
    ("parent_id", "=", False),
    "|",
    ("credit_over_limit", "=", True),
    ("credit_segment_id.score_max", "<", 40),
]


def customers_over_limit_or_risky(env):
    """The list view of customers over their limit or in a risky segment:
    its count and its first page with its columns."""
    Partner = env["res.partner"]
    Partner.search_count(RISKY_DOMAIN)
    Partner.search(RISKY_DOMAIN, limit=80).read(
        [
            "display_name",
            "credit_limit",
            "credit_exposure",
            "credit_available",
            "credit_utilization",
            "credit_overdue_days",
            "credit_score",
            "credit_segment_id",
            "credit_hold",
        ]
    )


AGED_FLOOR = "  reference: SQL GROUP BY of today's buckets"
XLSX_FLOOR = "  reference: SQL GROUP BY of today's buckets written by xlsxwriter"
BALANCE_6_MONTHS_FLOOR = "  reference: SQL receivable balance per customer 6 months ago"

OPERATIONS = [
    Operation(
        "statement page of the key account (portal)",
        statement_page,
        setup=key_account,
        target=seconds(0.5),
        target_label="0.5 s, queries independent of its open items",
    ),
    Operation(
        "  reference: statement page of a customer with 1 open item (same number of queries)",
        statement_page,
        setup=small_account,
    ),
    Operation(
        "outstanding statement PDF data, 100 customers",
        statement_pdf_data,
        setup=customers_with_open_items,
        target=seconds(0.3),
        target_label="0.3 s",
    ),
    Operation(
        "exposure of all customers",
        exposure_of_all_customers,
        target=per_10000_customers,
        target_label="1 s per 10,000 customers",
    ),
    Operation("  reference: SQL GROUP BY of open receivables", exposure_sql_floor),
    Operation(
        "search customers over their limit",
        customers_over_limit,
        target=per_10000_customers,
        target_label="1 s per 10,000 customers",
    ),
    Operation(
        "credit check of one order, key account",
        credit_check,
        setup=quotation_for(key_account),
        target=seconds(0.05),
        target_label="50 ms",
    ),
    Operation(
        "credit check of one order, customer with 1 open item",
        credit_check,
        setup=quotation_for(small_account),
        target=seconds(0.05),
        target_label="50 ms, same queries as above",
    ),
    Operation(
        "  reference: whole confirmation of that order (Odoo's own work included)",
        confirm_order,
        setup=quotation_for(key_account),
    ),
    Operation(
        "aged balance of all customers, today",
        aged_balance_as_of(0),
        target=seconds(2.0),
        target_label="2 s",
        reference=AGED_FLOOR,
        factor=3,
    ),
    Operation(
        "aged balance of all customers, as of 6 months ago",
        aged_balance_as_of(6),
        target=seconds(4.0),
        target_label="4 s",
        reference=BALANCE_6_MONTHS_FLOOR,
        factor=5,
    ),
    Operation(BALANCE_6_MONTHS_FLOOR, receivable_balance_sql_floor(6)),
    Operation(AGED_FLOOR, aged_balance_sql_floor),
    Operation(
        "XLSX of the aged balance of all customers",
        aged_balance_xlsx,
        setup=aged_balance_options,
        target=seconds(10.0),
        target_label="10 s",
        reference=XLSX_FLOOR,
        factor=5,
    ),
    Operation(XLSX_FLOOR, aged_balance_xlsx_floor),
    Operation(
        "credit dashboard",
        credit_dashboard,
        setup=with_scores,
        target=seconds(3.0),
        target_label="3 s",
    ),
    Operation(KPI_FLOOR, kpis_sql_floor),
    Operation(
        "dunning run of today, all customers",
        dunning_run,
        setup=with_standard_scenario,
        target=seconds(20.0),
        target_label="20 s, 600 MiB",
        peak_mib=600,
    ),
    Operation(
        "penalty step of a full run, all overdue invoices",
        penalty_step,
        setup=run_without_penalties,
        target=seconds(10.0),
        target_label="10 s",
    ),
    Operation(
        f"penalty invoices of {PENALTY_INVOICED} reminders (one batch of the scheduled action)",
        create_penalty_invoices,
        setup=reminders_to_invoice,
        target_label=f"no target in the issue; reported: {PENALTY_INVOICED} invoices / median s",
    ),
    Operation(
        f"sending {SENT_BATCH} reminders (e-mails rendered and queued)",
        send_reminders,
        setup=ready_reminders,
        target=seconds(SENT_BATCH / 50),
        target_label="50 reminders per second",
    ),
    Operation(
        "behaviour figures and scores, all customers",
        scores_of_all_customers,
        target=seconds(15.0),
        target_label="15 s, 500 MiB",
        peak_mib=500,
    ),
    Operation(
        "customers over their limit or in a risky segment (list)",
        customers_over_limit_or_risky,
        setup=with_scores,
        target=seconds(1.0),
        target_label="1 s",
    ),
    Operation(
        "KPIs of last year, by customer",
        kpis_of_last_year_by_customer,
        target=seconds(30.0),
        target_label="30 s (no target in the issue)",
        reference=KPI_FLOOR,
        factor=20,
    ),
]
