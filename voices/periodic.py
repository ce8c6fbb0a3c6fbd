"""Periodic jobs of citizens' messages (found by core.jobs.periodic autodiscovery)."""

from datetime import timedelta

from core.jobs import periodic

# The daily counts are kept by the services; the rebuild mends what bulk loads bypassed.
periodic.register("voices.rebuild_counts", "voices.services.counts.rebuild_all", every=timedelta(days=1),
                  lease=timedelta(hours=2))
# The text models learn from what staff confirm: retrained at night once enough new routings
# have piled up (settings.VOICES_RETRAIN_AFTER); the training itself runs in the worker.
periodic.register("voices.retrain", "voices.services.training.retrain_due", every=timedelta(days=1))
