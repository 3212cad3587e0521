"""Run every registered operation on a generated database and print one table.

    python -m bench.run -c .cache/odoo.conf -d credit_bench [--repeat 3] [--json out.json]

Each run uses a fresh cursor with Odoo's caches cleared, is measured and
rolled back: ``--repeat`` timed runs (wall time, SQL queries), whose median is
reported against the operation's target, then one more run tracing the peak
of Python memory (tracing slows Python down, so it is not timed).
"""

import argparse
import json
import statistics
import sys
import time
import tracemalloc

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import SQL

from .odoo_env import load_config
from .operations import OPERATIONS


def measure(registry, operation, trace_memory=False):
    """One run of ``operation``: (seconds, queries, peak MiB, target seconds).
    Tracing memory slows Python down a lot, so timed runs do not trace it."""
    registry.clear_cache()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        try:
            # a setup that only prepares the database returns nothing to pass on
            prepared = operation.setup(env) if operation.setup else None
            argument = () if prepared is None else (prepared,)
            target = operation.target(env) if operation.target else None
            env.invalidate_all()
            queries = cr.sql_log_count
            if trace_memory:
                tracemalloc.start()
            started = time.perf_counter()
            operation.run(env, *argument)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace_memory else 0.0
            tracemalloc.stop()
            return seconds, cr.sql_log_count - queries, peak, target
        finally:
            cr.rollback()


def dataset_size(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        (customers, invoices) = env.execute_query(
            SQL(
                "SELECT (SELECT count(*) FROM res_partner WHERE customer_rank > 0),"
                " (SELECT count(*) FROM account_move"
                "   WHERE move_type IN ('out_invoice', 'out_refund'))"
            )
        )[0]
    return f"{customers:,} customers / {invoices:,} invoices"


def run(database, repeat):
    registry = Registry(database)
    size = dataset_size(registry)
    rows = []
    for number, operation in enumerate(OPERATIONS, 1):
        print(f"[{number}/{len(OPERATIONS)}] {operation.name.strip()} ...", file=sys.stderr)
        runs = [measure(registry, operation) for _ in range(repeat)]
        memory_run = measure(registry, operation, trace_memory=True)
        seconds = statistics.median(run[0] for run in runs)
        target = runs[0][3]
        rows.append(
            {
                "operation": operation.name,
                "size": size,
                "median_seconds": round(seconds, 4),
                "queries": max(run[1] for run in runs),
                "peak_mib": round(memory_run[2], 1),
                "target": operation.target_label or None,
                "target_seconds": target,
                "verdict": verdict(operation, seconds, target, memory_run[2]),
            }
        )
    compare_to_references(rows)
    return rows


def verdict(operation, seconds, target, peak_mib):
    """PASS or FAIL against the time target and the memory limit, if any."""
    if target is None:
        return ""
    within_memory = operation.peak_mib is None or peak_mib <= operation.peak_mib
    return "PASS" if seconds <= target and within_memory else "FAIL"


def compare_to_references(rows):
    """Add each operation's ratio to its reference line, failing it when
    the ratio exceeds the operation's factor."""
    medians = {row["operation"]: row["median_seconds"] for row in rows}
    for row, operation in zip(rows, OPERATIONS, strict=True):
        row["reference_ratio"] = None
        if operation.reference and medians.get(operation.reference):
            ratio = row["median_seconds"] / medians[operation.reference]
            row["reference_ratio"] = round(ratio, 1)
            row["target"] = f"{row['target']}, {operation.factor:g}x reference"
            if ratio > operation.factor:
                row["verdict"] = "FAIL"


def table(rows):
    header = ("operation", "size", "median s", "x ref", "queries", "peak MiB", "target", "")
    lines = [
        (
            row["operation"],
            row["size"],
            f"{row['median_seconds']:.3f}",
            "" if row["reference_ratio"] is None else f"{row['reference_ratio']:.1f}",
            str(row["queries"]),
            f"{row['peak_mib']:.1f}",
            row["target"] or "(reference)",
            row["verdict"],
        )
        for row in rows
    ]
    widths = [max(len(cell) for cell in column) for column in zip(header, *lines, strict=True)]
    rule = "  ".join("-" * width for width in widths)
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [header, tuple(rule.split("  ")), *lines]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="also write the table as JSON to this file")
    args = parser.parse_args()
    load_config(args.config, args.database, log_level="warn")
    rows = run(args.database, args.repeat)
    print(table(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(rows, out, indent=2)
    sys.exit(1 if any(row["verdict"] == "FAIL" for row in rows) else 0)


if __name__ == "__main__":
    main()
