"""Benchmarks of plan and apply against the sandbox (see benchmarks/README.md)."""
