"""Periodic jobs of casework (found by core.jobs.periodic autodiscovery).

Both are idempotent: a reminder is sent once per assignment and due date, an overdue flag
is raised once (TIME-6: overdue from 00:00 Asia/Shanghai the day after the due date, so
a run every ten minutes flags it within ten minutes of midnight).
"""

from datetime import timedelta

from core.jobs import periodic

periodic.register("casework.send_reminders", "casework.services.send_reminders", every=timedelta(hours=1))
periodic.register("casework.flag_overdue", "casework.services.flag_overdue", every=timedelta(minutes=10))
