"""House formats in English (see config.formats)."""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"

# What people type: the house format first, then the usual English ways.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-27
    "%Y/%m/%d",  # 2026/11/27
    "%m/%d/%Y",  # 11/27/2026
    "%b %d %Y",  # Nov 27 2026
    "%b %d, %Y",  # Nov 27, 2026
    "%d %b %Y",  # 27 Nov 2026
    "%B %d, %Y",  # November 27, 2026
    "%d %B %Y",  # 27 November 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",  # 2026-11-27 14:16
    "%Y-%m-%d %H:%M:%S",  # 2026-11-27 14:16:59
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%d",  # a date alone: midnight
]
