"""The action codes the message pages and the API declare (voices.permissions, and
casework's `message.reply` for the handling unit's reply)."""

from ..casekind import MESSAGE
from ..permissions import CALLBACK, DISTRICT, ENTER_CALL, PERSONAL_DATA, SUBMIT, TAKE_UP, TRACK, TRIAGE, VIEW

REPLY = MESSAGE.code("reply")

__all__ = ["CALLBACK", "DISTRICT", "ENTER_CALL", "PERSONAL_DATA", "REPLY", "SUBMIT", "TAKE_UP", "TRACK", "TRIAGE", "VIEW"]
