"""Consistency check of a generated ledger: fails loudly on the first
inconsistency, so a benchmark never runs on data Odoo would not produce.

    python -m bench.check -c .cache/odoo.conf -d credit_bench
"""

import argparse
import logging

from odoo.tools import SQL, float_compare

from .odoo_env import environment, load_config

_logger = logging.getLogger("bench.check")
SAMPLE = 200


class InconsistentLedger(Exception):
    pass


def check(env):
    """Run every check on ``env``'s database; raise InconsistentLedger."""
    env.flush_all()
    for name, check_one in (
        ("moves are balanced", unbalanced_moves),
        ("receivable residuals match their reconciliations", wrong_residuals),
        ("invoices match what the ORM recomputes", invoices_differing_from_orm),
        ("partners' credit equals their open receivables", partners_with_wrong_credit),
    ):
        wrong = check_one(env)
        if wrong:
            raise InconsistentLedger(f"{name}: NO, e.g. {wrong[:5]}")
        _logger.info("%s: yes", name)


def unbalanced_moves(env):
    return env.execute_query(
        SQL(
            "SELECT move_id FROM account_move_line GROUP BY move_id"
            " HAVING round(sum(balance), 2) != 0 LIMIT 5"
        )
    )


def wrong_residuals(env):
    """Residual = balance - what matched it as debit + what matched it as credit."""
    return env.execute_query(
        SQL(
            """
            SELECT line.id, line.balance, line.amount_residual
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
         LEFT JOIN (SELECT debit_move_id AS id, sum(amount) AS amount
                      FROM account_partial_reconcile GROUP BY debit_move_id) debit
                   ON debit.id = line.id
         LEFT JOIN (SELECT credit_move_id AS id, sum(amount) AS amount
                      FROM account_partial_reconcile GROUP BY credit_move_id) credit
                   ON credit.id = line.id
             WHERE account.account_type = 'asset_receivable'
               AND line.parent_state = 'posted'
               AND round(line.balance - COALESCE(debit.amount, 0) + COALESCE(credit.amount, 0)
                         - line.amount_residual, 2) != 0
             LIMIT 5
            """
        )
    )


def invoices_differing_from_orm(env):
    """Recompute residuals and payment states of a sample with the ORM."""
    ids = [
        move_id
        for (move_id,) in env.execute_query(
            SQL(
                "SELECT id FROM account_move WHERE move_type IN ('out_invoice', 'out_refund')"
                " AND state = 'posted' ORDER BY random() LIMIT %s",
                SAMPLE,
            )
        )
    ]
    moves = env["account.move"].browse(ids)
    fnames = ["amount_residual", "amount_residual_signed", "payment_state"]
    stored = {move.id: [move[f] for f in fnames] for move in moves}
    lines = moves.line_ids
    for field_name in ("amount_residual", "amount_residual_currency", "reconciled"):
        env.add_to_compute(lines._fields[field_name], lines)
    for field_name in fnames:
        env.add_to_compute(moves._fields[field_name], moves)
    moves._recompute_recordset(fnames)
    wrong = []
    for move in moves:
        recomputed = [move[f] for f in fnames]
        if any(
            float_compare(a, b, precision_digits=2) if isinstance(a, float) else a != b
            for a, b in zip(stored[move.id], recomputed, strict=True)
        ):
            wrong.append((move.name, stored[move.id], recomputed))
    return wrong


def partners_with_wrong_credit(env):
    """Odoo's own ``credit`` field against the sum of open receivables."""
    rows = env.execute_query(
        SQL(
            """
            SELECT line.partner_id, sum(line.amount_residual)
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
             WHERE account.account_type = 'asset_receivable' AND line.parent_state = 'posted'
               AND NOT line.reconciled AND line.company_id IN %s
             GROUP BY line.partner_id
             ORDER BY random()
             LIMIT %s
            """,
            tuple(env["res.company"].search([("id", "child_of", env.company.root_id.id)]).ids),
            SAMPLE,
        )
    )
    partners = env["res.partner"].browse([partner_id for partner_id, _amount in rows])
    credit = {partner.id: partner.credit for partner in partners}
    return [
        (partner_id, amount, credit[partner_id])
        for partner_id, amount in rows
        if float_compare(amount, credit[partner_id], precision_digits=2)
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    load_config(args.config, args.database)
    run_check(args.database)


def run_check(database):
    """Check ``database`` and exit with a one-line verdict."""
    with environment(database) as env:
        try:
            check(env)
        except InconsistentLedger as error:
            raise SystemExit(f"CONSISTENCY CHECK FAILED: {error}") from None
    print("consistency check: passed")


if __name__ == "__main__":
    main()
