"""The house formats of dates and times (FORMAT_MODULE_PATH): Y-m-d and Y-m-d H:i in every
language, so one page never mixes 2026-11-27, 2026年11月27日, Aug. 30, 2026 and 11/27/2026.
Formal documents (docx letters, GB/T 9704) write their dates themselves (2026年5月10日).
Whatever is not set here comes from Django's own locale formats."""

from django.utils.translation import gettext_noop

#: Django ends every form label with gettext(":"); our catalogue translates it to the
#: full-width colon (用户名：). Marked here so that makemessages keeps that entry.
LABEL_SUFFIX = gettext_noop(":")
