"""A fit that dies as the kernel's out-of-memory killer ends a training process. Its own
module, free of Django, so the spawned training process can import it."""

import os
from pathlib import Path


def die_without_a_result(texts, labels):
    Path(os.environ["DATONG_KILLED_FIT_MARK"]).write_text(str(len(texts)))  # proof it ran in the child
    os._exit(9)
