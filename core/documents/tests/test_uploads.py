"""Uploads are checked for size and real type before anything is stored."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.documents import validate_upload, write_xlsx
from core.errors import ValidationFailed


def _docx_bytes() -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_real_xlsx_is_accepted_and_rewound():
    file = SimpleUploadedFile("名单.xlsx", write_xlsx(["姓名"], [["张三"]]))
    assert validate_upload(file) == "xlsx"
    assert file.tell() == 0


def test_a_text_file_named_xlsx_is_refused():
    file = SimpleUploadedFile("roster.xlsx", b"name,delegation\nA,B\n")
    with pytest.raises(ValidationFailed) as caught:
        validate_upload(file)
    assert caught.value.code == "upload_rejected"
    assert "xlsx" in caught.value.details["file"]


def test_a_zip_without_a_workbook_is_refused():
    file = SimpleUploadedFile("roster.xlsx", _zip({"[Content_Types].xml": b"<x/>", "other.txt": b"hi"}))
    with pytest.raises(ValidationFailed):
        validate_upload(file)


def test_a_docx_is_not_accepted_as_xlsx_even_when_renamed():
    file = SimpleUploadedFile("roster.xlsx", _docx_bytes())
    with pytest.raises(ValidationFailed):
        validate_upload(file)


def test_a_docx_is_accepted_where_docx_is_allowed():
    assert validate_upload(SimpleUploadedFile("letter.docx", _docx_bytes()), allowed=("docx",)) == "docx"


def test_a_wrong_extension_is_refused_with_the_accepted_types():
    with pytest.raises(ValidationFailed) as caught:
        validate_upload(SimpleUploadedFile("roster.xls", write_xlsx(["a"], [])))
    assert "xlsx" in str(caught.value.message)


def test_an_oversized_file_is_refused_before_its_content_is_read():
    file = SimpleUploadedFile("roster.xlsx", b"x" * 2048)
    with pytest.raises(ValidationFailed) as caught:
        validate_upload(file, max_bytes=1024)
    assert "1.0" in caught.value.details["file"]  # the limit is named (1.0 KB)


def test_the_default_limit_comes_from_the_settings(settings):
    settings.DATONG_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationFailed):
        validate_upload(SimpleUploadedFile("roster.xlsx", write_xlsx(["a"], [["b"]])))


def test_an_empty_or_missing_file_is_refused():
    with pytest.raises(ValidationFailed):
        validate_upload(SimpleUploadedFile("roster.xlsx", b""))
    with pytest.raises(ValidationFailed):
        validate_upload(None)


def test_a_zip_bomb_is_refused():
    bomb = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"0" * 5_000_000})
    with pytest.raises(ValidationFailed):
        validate_upload(SimpleUploadedFile("roster.xlsx", bomb))


def test_pdf_and_images_are_recognised_by_content():
    assert validate_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.7\n..."), allowed=("pdf",)) == "pdf"
    with pytest.raises(ValidationFailed):
        validate_upload(SimpleUploadedFile("a.pdf", b"<html>"), allowed=("pdf",))
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 10
    assert validate_upload(SimpleUploadedFile("a.png", png), allowed=("png", "jpg")) == "png"


def test_csv_must_be_text():
    assert validate_upload(SimpleUploadedFile("a.csv", "姓名\n张三\n".encode()), allowed=("csv",)) == "csv"
    with pytest.raises(ValidationFailed):
        validate_upload(SimpleUploadedFile("a.csv", b"\x00\x01\x02"), allowed=("csv",))
