"""SEC-8: rewrite citizens' encrypted personal data under the current field key.

    # 1. DATONG_FIELD_RETIRED_KEYS=<old key>  DATONG_FIELD_KEY=<new key>  (every process)
    manage.py voices_rekey            # rewrite, with progress; safe to stop and run again
    manage.py voices_rekey --check    # how many messages still need the old key (exit 1 if any)
    # also after an upgrade that changes how a phone is hashed (crypto.normalise_phone)
    # 2. then remove DATONG_FIELD_RETIRED_KEYS
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


def _messages(n: int) -> str:
    return f"{n:,} message" if n == 1 else f"{n:,} messages"


class Command(BaseCommand):
    help = "Rewrite the encrypted names, phone and ID numbers of citizens' messages under DATONG_FIELD_KEY."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="Change nothing: count the messages still written under a retired key "
                                 "or with a stale phone look-up hash.")
        parser.add_argument("--batch", type=int, default=500, help="Messages per transaction (default 500).")

    def handle(self, *args, check=False, batch=500, **options):
        from voices.services import rekey

        if check:
            left = rekey.pending()
            if left:
                raise CommandError(f"{_messages(left)} still {'holds' if left == 1 else 'hold'} data under a retired key "
                                   "or a stale phone look-up hash: run voices_rekey.")
            self.stdout.write("Every message's personal data is under the current key, "
                              "its phone look-up hash up to date.")
            return
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        quiet = options.get("verbosity", 1) < 1

        def progress(done: int, total: int) -> None:
            if not quiet:
                width = 30
                filled = width * done // total if total else width
                self.stdout.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done:,} / {total:,}", ending="")
                self.stdout.flush()

        result = rekey.rekey_personal_data(batch=batch, progress=progress)
        if not quiet and result.seen:
            self.stdout.write("")
        self.stdout.write(f"{result.rewritten:,} of {result.seen:,} messages with personal data rewritten "
                          "under the current key.")
        if result.unreadable:
            raise CommandError(f"{_messages(len(result.unreadable))} could not be read under any configured key "
                               f"(left unchanged): ids {', '.join(map(str, result.unreadable[:20]))}"
                               + (" …" if len(result.unreadable) > 20 else ""))
