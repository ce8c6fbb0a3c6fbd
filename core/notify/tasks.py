"""Background delivery of notifications (enqueued on commit by services.notify)."""

from django_tasks import task

from . import services


@task()
def deliver_notification(notification_id: int) -> dict:
    """Send one notification by e-mail/SMS; safe to run twice."""
    return services.deliver_notification(notification_id=notification_id)
