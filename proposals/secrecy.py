"""SEC-14: material bearing a state-secret mark never enters Datong (a non-classified system).

`check_upload(file, kind)` refuses a file whose name or readable text carries a secrecy
mark (秘密 / 机密 / 绝密), before anything is stored. The text read is what the file type
allows without conversion: the XML parts of docx and xlsx (body, headers, footers, shared
strings), plain text, and for PDF the raw and deflated streams (UTF-8 and UTF-16 text;
PDF glyph codes cannot be read without the fonts). Images carry no readable text, so the
upload forms also warn in words. Nothing here writes anything.
"""

from __future__ import annotations

import re
import zipfile
import zlib

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

#: SEC-14: the three classification marks of the State Secrets Law.
MARKS = ("绝密", "机密", "秘密")

#: At most this much text is read from one file (decompressed), against zip and flate bombs.
_READ_LIMIT = 20 * 1024 * 1024
_TAG = re.compile(r"<[^>]+>")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_ENCODED_MARKS = tuple(
    (mark, encoded) for mark in MARKS for encoded in (mark.encode("utf-8"), mark.encode("utf-16-be"))
)


def find_mark(text: str) -> str | None:
    """The first secrecy mark found in `text` (whitespace inside it ignored), or None."""
    squeezed = "".join((text or "").split())
    for mark in MARKS:
        if mark in squeezed:
            return mark
    return None


def _find_in_bytes(data: bytes) -> str | None:
    for mark, encoded in _ENCODED_MARKS:
        if encoded in data:
            return mark
    return None


def _read(file) -> bytes:
    file.seek(0)
    data = file.read(_READ_LIMIT)
    file.seek(0)
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def _ooxml_text(file, prefix: str) -> str:
    """The text of every XML part under `prefix` (word/ or xl/), tags removed, so a mark
    split across formatting runs is still found."""
    pieces: list[str] = []
    budget = _READ_LIMIT
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            for member in archive.infolist():
                if not member.filename.startswith(prefix) or not member.filename.endswith(".xml"):
                    continue
                if member.file_size > budget:
                    break
                budget -= member.file_size
                pieces.append(_TAG.sub("", archive.read(member).decode("utf-8", "ignore")))
    except (zipfile.BadZipFile, OSError, EOFError):
        return ""
    finally:
        file.seek(0)
    return "".join(pieces)


def _pdf_mark(data: bytes) -> str | None:
    found = _find_in_bytes(data)
    if found:
        return found
    budget = _READ_LIMIT
    for match in _STREAM.finditer(data):
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        found = _find_in_bytes(chunk)
        if found or budget <= 0:
            return found
    return None


def _text_mark(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return find_mark(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    return None


def mark_in_upload(file, kind: str) -> str | None:
    """The secrecy mark in the file's name or text, or None (SEC-14)."""
    found = find_mark(getattr(file, "name", "") or "")
    if found:
        return found
    if kind == "docx":
        return find_mark(_ooxml_text(file, "word/"))
    if kind == "xlsx":
        return find_mark(_ooxml_text(file, "xl/"))
    if kind == "pdf":
        return _pdf_mark(_read(file))
    if kind in ("txt", "csv"):
        return _text_mark(_read(file))
    return None


def check_upload(file, kind: str) -> None:
    """Refuse (ValidationFailed, code "secret_mark") a file bearing a secrecy mark."""
    mark = mark_in_upload(file, kind)
    if mark:
        message = _(
            "This file bears the secrecy mark “%(mark)s”. Datong is a non-classified system: "
            "material marked secret must never be uploaded here. Nothing was stored."
        ) % {"mark": mark}
        raise ValidationFailed(message, code="secret_mark", details={"file": message})
