"""Periodic jobs of citizens' messages (found by core.jobs.periodic autodiscovery)."""

from datetime import timedelta

from core.jobs import periodic

# The daily counts are kept by the services; the rebuild mends what bulk loads bypassed.
periodic.register("voices.rebuild_counts", "voices.services.counts.rebuild_all", every=timedelta(days=1),
                  lease=timedelta(hours=2))
# The text models learn from what staff confirm: retrained at night once enough new routings
# have piled up (settings.VOICES_RETRAIN_AFTER); the training itself runs in the worker.
periodic.register("voices.retrain", "voices.services.training.retrain_due", every=timedelta(days=1))
# MSG-6(a): a letter to the congress still awaiting the decision to accept it after its
# deadline is flagged once and staff are told (TIME-6: overdue from 00:00 the day after; a run
# every ten minutes, as casework's flag_overdue, flags it within ten minutes of midnight).
periodic.register("voices.flag_overdue_acceptances", "voices.services.acceptance.flag_overdue_acceptances",
                  every=timedelta(minutes=10))
