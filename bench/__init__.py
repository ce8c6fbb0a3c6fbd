"""Benchmarks: figures (latency percentiles, throughput) and ratios measured in one run.

Not part of `make test`; run `make bench`. See bench/harness.py.
"""
