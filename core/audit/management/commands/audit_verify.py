"""`manage.py audit_verify`: check the audit chain; exit 0 when it is intact, 1 otherwise."""

from django.core.management.base import BaseCommand, CommandError

from core.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain and report the first entry that was edited, inserted or deleted."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"OK: {report.checked} entries verified. Chain head: {report.head_hash}")
            return
        where = f"entry #{report.entry_id}" if report.entry_id is not None else "the end of the chain"
        raise CommandError(
            f"FAILED: {where} (position {report.seq}) {report.problem}: {report.message} "
            f"[{report.checked} entries verified before it]",
            returncode=1,
        )
