"""Developer scripts: the demo server, pinning, the strict-skip pytest plugin."""
