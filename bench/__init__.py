"""Benchmarks: one command each, printing its figures (`python -m bench.<name>`)."""
