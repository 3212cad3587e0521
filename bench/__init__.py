"""Benchmark tooling for credit_management: a synthetic ledger generator, its
consistency check, and the benchmark runner (see README.rst, "Benchmark")."""
