"""Periodic jobs of citizens' messages (found by core.jobs.periodic autodiscovery)."""

from datetime import timedelta

from core.jobs import periodic

# The daily counts are kept by the services; the rebuild mends what bulk loads bypassed.
periodic.register("voices.rebuild_counts", "voices.services.counts.rebuild_all", every=timedelta(days=1),
                  lease=timedelta(hours=2))
