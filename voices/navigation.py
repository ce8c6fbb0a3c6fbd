"""The message pages in the shell's menu; `VoicesConfig.ready()` calls `register_navigation()`.

Each entry follows the permission its page declares, so the menu never offers a page the
page would refuse (core.web.navigation): visitors and citizens see "Write to us" and "Track
a message", staff the triage list, the phone entry, the work-order import and the text
models (administrators too), staff and deputies
"What people worry about" (the statistics), deputies their district's messages, unit
clerks the messages sent to their unit;
"My messages" sits in the signed-in user's menu."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register_navigation() -> None:
    from core.web.navigation import USER, NavEntry, register

    register(NavEntry("voices-new", _("Write to us"), "voices:message-create", order=40))
    register(NavEntry("voices-track", _("Track a message"), "voices:track", order=41))
    register(NavEntry("voices-triage", _("Messages"), "voices:message-list", order=43))
    register(NavEntry("voices-phone", _("Enter a call"), "voices:phone-entry", order=44))
    register(NavEntry("voices-district", _("My district's messages"), "voices:district-list", order=45))
    register(NavEntry("voices-assigned", _("Messages sent to our unit"), "voices:assigned-list", order=45))
    register(NavEntry("voices-import", _("Import work orders"), "voices_import:upload", order=46))
    register(NavEntry("voices-models", _("Text models"), "voices:model-list", order=48))
    register(NavEntry("voices-statistics", _("What people worry about"), "voices_statistics:overview", order=47))
    register(NavEntry("voices-mine", _("My messages"), "voices:my-messages", menu=USER, order=20))
