"""`makemessages` that also reads `_L("…")`: modules that need both the immediate and the
lazy gettext name the lazy one `_L` (`from django.utils.translation import gettext_lazy as _L`),
and xgettext knows only the standard names unless told."""

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    xgettext_options = [*MakeMessagesCommand.xgettext_options, "--keyword=_L"]
