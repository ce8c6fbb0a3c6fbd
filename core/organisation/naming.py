"""How a congress's terms and sessions are named, in the active language.

The official Chinese form puts the ordinal inside the congress's name, after the place:
太原市第十六届人民代表大会第三次会议 (place, 第 + Chinese numeral + 届, 人民代表大会,
第 + Chinese numeral + 次会议). The place and the body come from the configured name of the
congress (and its `region_name`), so every city or county is named by its own data.

The English form names the congress as configured (the data holds no English name):
"3rd session of the 16th term of 太原市人民代表大会".
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

#: What a people's congress is called; the place is what comes before it in the name.
CONGRESS_BODY = "人民代表大会"

_DIGITS = "零一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))
_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def chinese_numeral(number: int) -> str:
    """`number` (0–9999) in Chinese numerals: 3 → 三, 10 → 十, 16 → 十六, 20 → 二十,
    105 → 一百零五, 110 → 一百一十. Raises ValueError outside that range."""
    if not 0 <= number <= 9999:
        raise ValueError(f"{number} is outside 0–9999")
    if number < 10:
        return _DIGITS[number]
    if number < 20:  # 十, 十一 … 十九: no leading 一 when ten stands first
        return "十" + (_DIGITS[number - 10] if number > 10 else "")
    text, rest, gap = "", number, False
    for value, unit in _UNITS:
        digit, rest = divmod(rest, value)
        if digit:
            text += ("零" if gap else "") + _DIGITS[digit] + unit
            gap = False
        elif text:
            gap = True
    if rest:
        text += ("零" if gap else "") + _DIGITS[rest]
    return text


def english_ordinal(number: int) -> str:
    """1 → 1st, 2 → 2nd, 3 → 3rd, 11 → 11th, 22 → 22nd, 113 → 113th."""
    suffix = "th" if number % 100 in (11, 12, 13) else _SUFFIXES.get(number % 10, "th")
    return f"{number}{suffix}"


def ordinal(number: int) -> str:
    """The ordinal as the active language writes it inside a name: 十六 in Chinese (the
    translation frames it with 第…届), 16th otherwise."""
    if (translation.get_language() or "").lower().startswith("zh"):
        return chinese_numeral(number)
    return english_ordinal(number)


def place_and_body(congress) -> tuple[str, str]:
    """Split the congress's configured name into the place and the body:
    "太原市人民代表大会" → ("太原市", "人民代表大会"). The region name decides where the name
    starts with it; otherwise the name is split before 人民代表大会; a name with neither is
    all body."""
    name = congress.name
    region = congress.region_name or ""
    if region and name.startswith(region) and len(name) > len(region):
        return region, name[len(region) :]
    if CONGRESS_BODY in name:
        at = name.index(CONGRESS_BODY)
        return name[:at], name[at:]
    return "", name


def term_name(term) -> str:
    """太原市第十六届人民代表大会 / 16th term of 太原市人民代表大会."""
    place, body = place_and_body(term.congress)
    return _("%(number)s term of %(place)s%(body)s") % {
        "number": ordinal(term.number),
        "place": place,
        "body": body,
    }


def session_name(session) -> str:
    """太原市第十六届人民代表大会第三次会议 / 3rd session of the 16th term of 太原市人民代表大会;
    an extraordinary session (临时会议) says so after its number, which runs on with the
    regular sessions of the term."""
    term = session.term
    place, body = place_and_body(term.congress)
    values = {
        "session": ordinal(session.number),
        "number": ordinal(term.number),
        "place": place,
        "body": body,
    }
    if session.kind == "extraordinary":
        return _("%(session)s session (extraordinary) of the %(number)s term of %(place)s%(body)s") % values
    return _("%(session)s session of the %(number)s term of %(place)s%(body)s") % values
