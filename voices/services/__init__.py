"""Every change to a citizen's message (CONTRACT.md "Services"): keyword-only, `by` acts.

Each function: lock → permission → state → rule checks → write → audit → notify, in one
transaction. The handling after routing is casework's (kind "message", voices.casekind).
"""

from .handling import (
    find_caller_messages,
    merge_messages,
    not_accept,
    record_callback,
    reveal_personal_data,
    route_message,
)
from .history import record_historical_outcome
from .intake import BATCH_MAX, receive_batch, receive_many, receive_message
from .takeup import take_up_as_suggestion
from .training import activate_model, start_training, train_models

__all__ = [
    "BATCH_MAX",
    "activate_model",
    "find_caller_messages",
    "merge_messages",
    "not_accept",
    "receive_batch",
    "receive_many",
    "receive_message",
    "record_callback",
    "record_historical_outcome",
    "reveal_personal_data",
    "route_message",
    "start_training",
    "take_up_as_suggestion",
    "train_models",
]
