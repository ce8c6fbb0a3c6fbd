"""A notification's text kept as its translation call, so the inbox shows it in the language
the reader reads in now, not the one they had when it was sent.

`notify()` is handed lazy strings (`gettext_lazy("Your message %(number)s …")`). Each is kept
as a recipe — the translation function's name and its arguments — beside the text rendered
for the recipient at sending time (the e-mail, the SMS, and what is shown when no recipe
could be kept: plain text from a person, or a value that is not JSON).

    {"title": {"f": "gettext", "args": ["Your message %(number)s was not accepted"]},
     "params": {"number": "M2026-000123"}}
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise

# The translation functions a recipe may name, and nothing else (a recipe is data read back
# from the database: it must never name an arbitrary callable).
_FUNCTIONS = {
    "gettext": translation.gettext,
    "pgettext": translation.pgettext,
    "ngettext": translation.ngettext,
    "npgettext": translation.npgettext,
}
_PLAIN = (str, int, float, bool, type(None))


def recipe(text) -> dict | None:
    """The translation call behind a lazy string, or None (plain text is kept as it is)."""
    if not isinstance(text, Promise):
        return None
    try:
        reduced = text.__reduce__()
    except Exception:  # noqa: BLE001 - not a translation proxy: keep the rendered text
        return None
    rebuild, args = reduced[0], reduced[1]
    name = getattr(args[0], "__name__", "") if args else ""
    if name not in _FUNCTIONS:
        return None
    if getattr(rebuild, "__name__", "") == "_lazy_number_unpickle":
        # ngettext_lazy(…, number="count"): the number is read from the params by that key.
        _func, _resultclass, number, kwargs = args
        found = {"f": name, "kw": dict(kwargs), "number": number}
    else:
        _func, call_args, call_kw = args[0], args[1], args[2]
        found = {"f": name, "args": list(call_args), "kw": dict(call_kw)}
    return found if _json_plain(found) else None


def params_recipe(params: dict | None) -> dict | None:
    """The params with lazy values as recipes; None when one value cannot be kept."""
    if not params:
        return {}
    kept: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Promise):
            inner = recipe(value)
            if inner is None:
                return None
            kept[key] = {"lazy": inner}
        elif isinstance(value, _PLAIN):
            kept[key] = value
        else:
            return None
    return kept


def render(kept: dict | None, params: dict | None) -> str | None:
    """A recipe rendered in the active language with its params; None when there is none."""
    if not kept:
        return None
    function = _FUNCTIONS.get(kept.get("f", ""))
    if function is None:
        return None
    filled = {
        key: (_call(value["lazy"]) if isinstance(value, dict) and "lazy" in value else value)
        for key, value in (params or {}).items()
    }
    if "number" in kept:
        kwargs = dict(kept.get("kw") or {})
        key = kept["number"]
        kwargs["number"] = filled.get(key, 0) if isinstance(key, str) else key
        text = function(**kwargs)
    else:
        text = _call(kept)
    try:
        return text % filled if filled else text
    except (KeyError, TypeError, ValueError):
        return None  # a catalogue that lost a placeholder: show what was sent


def _call(kept: dict) -> str:
    function = _FUNCTIONS.get(kept.get("f", ""))
    if function is None:
        return ""
    return str(function(*kept.get("args", []), **(kept.get("kw") or {})))


def _json_plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_plain(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_json_plain(v) for v in value)
    return isinstance(value, _PLAIN)
