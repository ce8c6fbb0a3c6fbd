"""Django's own texts that its Chinese catalogue lacks, marked here so that `makemessages`
keeps them in ours (locale/zh_Hans). Django 5.2 rewrote the password-length error with "%d"
and its zh_Hans catalogue still has only the older "%(min_length)d" form, so the Chinese
registration page showed that one error in English among Chinese ones."""

from django.utils.translation import ngettext


def _marked(count: int) -> list[str]:
    """Never called: it only holds the texts for `makemessages`."""
    return [
        ngettext("This password is too short. It must contain at least %d character.",
                 "This password is too short. It must contain at least %d characters.", count),
    ]
