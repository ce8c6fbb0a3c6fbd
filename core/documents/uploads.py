"""Upload checks: size and real type, before anything is stored.

The file name's extension is only a claim; the content decides. An xlsx or docx file is a
zip archive with `[Content_Types].xml` and its main part (`xl/workbook.xml`,
`word/document.xml`); a zip whose members would unpack to far more than the upload itself
(a "zip bomb") is refused too. Nothing here writes anything anywhere.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.errors import ValidationFailed

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Members an Office Open XML package of each kind must contain.
_OOXML_PARTS = {
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "docx": ("[Content_Types].xml", "word/document.xml"),
}
_MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
}
_EXTENSIONS = {
    "xlsx": (".xlsx",),
    "docx": (".docx",),
    "pdf": (".pdf",),
    "png": (".png",),
    "jpg": (".jpg", ".jpeg"),
    "csv": (".csv",),
    "txt": (".txt",),
}
KNOWN_TYPES = frozenset(_EXTENSIONS)

# A package may unpack to at most this many times its own size, and hold at most this many
# members; genuine spreadsheets and letters stay far below both.
_MAX_EXPANSION = 100
_MAX_MEMBERS = 5000


def _reject(reason: str) -> ValidationFailed:
    return ValidationFailed(reason, code="upload_rejected", details={"file": reason})


def _size_of(file) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    position = file.tell()
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _head(file, length: int = 16) -> bytes:
    file.seek(0)
    head = file.read(length)
    file.seek(0)
    return head or b""


def _is_ooxml(file, kind: str, size: int) -> bool:
    try:
        file.seek(0)
        if not zipfile.is_zipfile(file):
            return False
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > _MAX_MEMBERS:
                raise _reject(_("The file contains too many parts to be a genuine document."))
            unpacked = sum(member.file_size for member in members)
            if unpacked > max(size, 1) * _MAX_EXPANSION:
                raise _reject(_("The file unpacks to far more than its size: it is refused."))
            names = {member.filename for member in members}
            return all(part in names for part in _OOXML_PARTS[kind])
    except (zipfile.BadZipFile, OSError, EOFError):
        return False
    finally:
        file.seek(0)


def _is_text(file) -> bool:
    file.seek(0)
    data = file.read()
    file.seek(0)
    if isinstance(data, str):
        return "\x00" not in data
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _content_is(file, kind: str, size: int) -> bool:
    if kind in _OOXML_PARTS:
        return _is_ooxml(file, kind, size)
    if kind in _MAGIC:
        return _head(file).startswith(_MAGIC[kind])
    return _is_text(file)


def validate_upload(file, *, allowed: Iterable[str] = ("xlsx",), max_bytes: int | None = None) -> str:
    """Check an uploaded file's size and real type; return its type (e.g. "xlsx").

    `allowed` names types among xlsx, docx, pdf, png, jpg, csv, txt. `max_bytes` defaults to
    `settings.DATONG_UPLOAD_MAX_BYTES`. Raises ValidationFailed (code "upload_rejected",
    `details["file"]` the reason) for a missing, empty, oversized or mistyped file. Leaves the
    file positioned at its start.
    """
    allowed = tuple(allowed)
    unknown = set(allowed) - KNOWN_TYPES
    if unknown:
        raise ValueError(f"unknown upload types {sorted(unknown)}")
    if max_bytes is None:
        max_bytes = settings.DATONG_UPLOAD_MAX_BYTES
    if file is None:
        raise _reject(_("No file was uploaded."))
    size = _size_of(file)
    if size == 0:
        raise _reject(_("The file is empty."))
    if size > max_bytes:
        raise _reject(
            _("The file is %(size)s; at most %(limit)s is accepted.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
        )
    name = (getattr(file, "name", "") or "").lower()
    kinds = [kind for kind in allowed if name.endswith(_EXTENSIONS[kind])]
    types_text = ", ".join(allowed)
    if not kinds:
        raise _reject(_("Only files of these types are accepted: %(types)s.") % {"types": types_text})
    kind = kinds[0]
    if not _content_is(file, kind, size):
        raise _reject(
            _("The file's content is not a genuine %(type)s file (only its name says so).") % {"type": kind}
        )
    file.seek(0)
    return kind
