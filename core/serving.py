"""What a serving process does once the application is loaded (config.wsgi, bench.wsgi)."""

from __future__ import annotations

import gc
import os

from django.core.exceptions import ImproperlyConfigured

#: The collector's thresholds for serving processes (DATONG_GC_THRESHOLD, "a,b,c"; "default"
#: keeps Python's 700,10,10).
GC_THRESHOLD = "20000,50,100"


def tune_collector() -> tuple[int, ...] | None:
    """Make garbage collection rarer in a serving process.

    Why: a request allocates thousands of short-lived objects, so with Python's default
    threshold (700) a collection runs every few requests, and each older-generation pass walks
    everything the process holds (URL patterns, model metadata, trained text models). Freezing
    what exists after start-up takes it out of every later pass, and a higher first threshold
    makes passes rarer; reference cycles are still collected. Measured with
    bench/bench_voices_intake.py: ~10 % less CPU per message received. Returns the thresholds
    set, or None when left at Python's defaults.
    """
    value = os.environ.get("DATONG_GC_THRESHOLD", GC_THRESHOLD).strip()
    if not value or value == "default":
        return None
    try:
        thresholds = tuple(int(part) for part in value.split(","))
        if not 1 <= len(thresholds) <= 3 or min(thresholds) < 0:
            raise ValueError(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"DATONG_GC_THRESHOLD must be one to three whole numbers such as {GC_THRESHOLD!r}, or 'default'; "
            f"it is {value!r}."
        ) from None
    gc.freeze()
    gc.set_threshold(*thresholds)
    return thresholds
