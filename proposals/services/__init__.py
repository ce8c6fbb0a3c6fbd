"""Every change to a suggestion: one function per event (docs/actions/README.md).

Before registration the suggestion moves by itself (draft → submitted → registered |
declined; withdrawn). Registration opens its case; from then on the casework services do
the handling, through the thin wrappers in `handling.py`, and their action codes
read `suggestion.assign`, `suggestion.reply`, ... because the case's kind is "suggestion".

Each function: lock → permission → state → rule checks → write → audit → notify, in one
transaction. `now=` is for back-dated imports of paper records and for tests only.
"""

from .base import ATTACHMENT_TYPES, MAX_ATTACHMENTS
from .drafting import (
    add_attachment,
    confirm_cosignature,
    create_draft,
    decline_cosignature,
    invite_cosigner,
    remove_attachment,
    update_draft,
)
from .handling import (
    approve_suggestion_extension,
    assign_suggestion,
    close_suggestion,
    merge_suggestions,
    rate_suggestion_reply,
    rehandle_suggestion,
    reply_to_suggestion,
    supervise_suggestion,
)
from .registration import (
    decline_suggestion,
    register_suggestion,
    submit_suggestion,
    suggestion_from_bill,
    withdraw_suggestion,
)
from .reports import (
    create_category,
    load_categories,
    prepare_handling_report,
    publish_handling_report,
    update_category,
)

__all__ = [
    "ATTACHMENT_TYPES",
    "MAX_ATTACHMENTS",
    "add_attachment",
    "approve_suggestion_extension",
    "assign_suggestion",
    "close_suggestion",
    "confirm_cosignature",
    "create_category",
    "create_draft",
    "decline_cosignature",
    "decline_suggestion",
    "invite_cosigner",
    "load_categories",
    "merge_suggestions",
    "prepare_handling_report",
    "publish_handling_report",
    "rate_suggestion_reply",
    "register_suggestion",
    "rehandle_suggestion",
    "remove_attachment",
    "reply_to_suggestion",
    "submit_suggestion",
    "suggestion_from_bill",
    "supervise_suggestion",
    "update_category",
    "update_draft",
    "withdraw_suggestion",
]
