"""Documents of suggestions as Word files (python-docx), in the official layout of
GB/T 9704-2012 (党政机关公文格式): a unit's reply letter to the deputies (SUGG-6) and the
report on the handling of suggestions to the next session (SUGG-8).

The layout: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (7.1); the issuing
body's mark (发文机关标志) in red 方正小标宋简体, as large as the type area's width allows;
the document number (发文字号, "〔2026〕12号": the year in hexagonal brackets, the serial
without padding or 第, 7.2.4) centred two lines below it; a red separator line the width of
the type area (7.2.5); the title in 方正小标宋简体 二号 (22 pt), centred (8.1); the main
addressee (主送机关) flush left (8.2); the body in 仿宋_GB2312 三号 (16 pt) with a line pitch
of about 29 pt (22 lines on a page), paragraphs indented two characters, first-level
headings in 黑体 (8.3); the signature and date of writing (成文日期) right-aligned, four
characters in (8.5); the imprint (版记: copy line, issuer and date of issue, 印发) between
rules at the foot (9); page numbers "— 1 —" in 宋体 四号 (7.5). Fonts are named, never
embedded: the printing office's Word or LibreOffice supplies them.

Documents are written in the congress's official language (zh-hans) whatever the language
of the person downloading them; their words come from the translation catalogue.

The reply letter is read by staff, the clerks of the replying unit and the deputies it is
addressed to (`suggestion.reply_letter`); the handling report by staff (`suggestion.report`)
and, once published (SUGG-8), by anyone. The report holds counts and scrubbed subjects only
(the domain's `handling_report_data`, SEC-6); nothing here adds a person's name to it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from django.utils import formats, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from casework import rules as case_rules
from casework.models import Case, Recipient, Reply
from core.accounts.roles import Role
from core.errors import NotFound
from core.organisation.models import StandingCommittee
from core.organisation.rules import effective_parameters
from core.permissions import has_perm, register, role_of
from core.workcalendar import rules as time_rules

from . import permissions as codes
from . import rules, selectors
from .casekind import NAME as SUGGESTION_KIND
from .models import HandlingReport, Suggestion

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_LANGUAGE = "zh-hans"

#: Who may download a unit's reply letter (see `may_read_reply_letter`).
REPLY_LETTER = "suggestion.reply_letter"
#: The handling report: staff (the domain's code, SUGG-8).
REPORT = codes.REPORT

# --- GB/T 9704-2012: paper, type area, fonts ---------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TYPE_WIDTH = Mm(156)  # 210 - 28 - 26
MARK_FONT = TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)
MARK_MAX_SIZE = 42  # points; a short name is not blown up further
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
SMALL_SIZE = Pt(14)  # 四号: tables, imprint, page numbers
LINE_PITCH = Pt(28.95)  # 22 lines in the 225 mm type area
CHAR = Pt(16)  # one character of body text


def _fonts(element, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a run or style: Chinese in `east_asian`, Latin in `latin`."""
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _run(paragraph, text: str, font: str = BODY_FONT, size=BODY_SIZE, *, color: RGBColor | None = None):
    run = paragraph.add_run(text)
    run.font.size = size
    if color is not None:
        run.font.color.rgb = color
    _fonts(run._element, font)
    return run


def _border(paragraph, side: str, *, color: str = "000000", size: int = 8, space: int = 1) -> None:
    """A rule above or below a paragraph, as wide as the type area (size in 1/8 pt)."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), str(space))
    line.set(qn("w:color"), color)
    borders.append(line)


def _page_numbers(section) -> None:
    """7.5: "— 1 —" at the foot of each page."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", PAGE_NUMBER_FONT, SMALL_SIZE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    _run(paragraph, " —", PAGE_NUMBER_FONT, SMALL_SIZE)


def _new_document(title: str):
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    _fonts(normal.element, BODY_FONT)
    spacing = normal.paragraph_format
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.line_spacing = LINE_PITCH
    spacing.space_before = spacing.space_after = Pt(0)
    _page_numbers(section)
    document.core_properties.language = DOCUMENT_LANGUAGE
    document.core_properties.title = title[:250]
    return document


def _paragraph(
    document,
    text: str = "",
    *,
    align=None,
    font: str = BODY_FONT,
    size=BODY_SIZE,
    indent=False,
    right_indent=None,
):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = 2 * CHAR  # 8.3: two characters
    if right_indent is not None:
        paragraph.paragraph_format.right_indent = right_indent
    if text:
        _run(paragraph, text, font, size)
    return paragraph


def _mark_size(text: str) -> Pt:
    """The mark fills at most the type area's width, one line (7.2.3)."""
    width_pt = TYPE_WIDTH.pt * 0.95
    return Pt(max(16, min(MARK_MAX_SIZE, int(width_pt / max(1, len(text))))))


def _head(document, *, issuer: str, number: str) -> None:
    """版头: the mark in red, two blank lines, the document number, the red rule (7.2)."""
    size = _mark_size(issuer)
    mark = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
    mark.paragraph_format.line_spacing = Pt(size.pt * 1.2)
    _run(mark, issuer, MARK_FONT, size, color=RED)
    _paragraph(document)
    _paragraph(document)
    numbered = _paragraph(document, number, align=WD_ALIGN_PARAGRAPH.CENTER)
    # 7.2.5: the red rule sits 4 mm below the number, as wide as the type area.
    _border(numbered, "bottom", color="FF0000", size=12, space=8)


def _title(document, text: str) -> None:
    """8.1: two blank lines below the red rule, 二号 方正小标宋简体, centred."""
    _paragraph(document)
    _paragraph(document)
    paragraph = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph.paragraph_format.line_spacing = Pt(36)
    _run(paragraph, text, TITLE_FONT, TITLE_SIZE)
    _paragraph(document)


def _addressee(document, text: str) -> None:
    """8.2: the main addressee, flush left, one line below the title."""
    _paragraph(document, text)


def _body(document, text: str) -> None:
    for line in (text or "").splitlines():
        if line.strip():
            _paragraph(document, line.strip(), indent=True)


def _heading(document, text: str) -> None:
    _paragraph(document, text, font=HEADING_FONT, indent=True)


def _signature(document, issuer: str, written_on: str, *, signed_by: str = "") -> None:
    """8.5: issuer and date of writing right-aligned, four characters in from the right."""
    _paragraph(document)
    _paragraph(document)
    _paragraph(document, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=4 * CHAR)
    if signed_by:
        _paragraph(document, signed_by, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=4 * CHAR)
    _paragraph(document, written_on, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=4 * CHAR)


def _imprint(document, *, issuer: str, issued_on: str, copy_to: str = "") -> None:
    """9: the imprint between rules, in 四号: the copy line, then issuer left and
    "…印发" right."""
    _paragraph(document)
    _paragraph(document)
    if copy_to:
        copy = _paragraph(document, copy_to, size=SMALL_SIZE)
        copy.paragraph_format.left_indent = CHAR
        _border(copy, "top", size=8)
    line = document.add_paragraph()
    line.paragraph_format.left_indent = line.paragraph_format.right_indent = CHAR
    line.paragraph_format.tab_stops.add_tab_stop(TYPE_WIDTH - 2 * CHAR, WD_TAB_ALIGNMENT.RIGHT)
    _run(line, issuer, BODY_FONT, SMALL_SIZE)
    _run(line, "\t" + _("Issued %(date)s") % {"date": issued_on}, BODY_FONT, SMALL_SIZE)
    if not copy_to:
        _border(line, "top", size=8)
    _border(line, "bottom", size=8)


def _table(document, header: Sequence[str], rows: Iterable[Sequence], *, widths: Sequence | None = None):
    rows = [list(r) for r in rows]
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if widths is not None:
        # Fixed widths on the grid and each cell: Word reads the cells, LibreOffice the grid.
        table.autofit = False
        for column, width in enumerate(widths):
            table.columns[column].width = width
    for index, values in enumerate([list(header), *rows]):
        for column, value in enumerate(values):
            cell = table.rows[index].cells[column]
            if widths is not None:
                cell.width = widths[column]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if column else WD_ALIGN_PARAGRAPH.LEFT
            text = "" if value is None else str(value)
            if text:
                _run(paragraph, text, HEADING_FONT if index == 0 else BODY_FONT, SMALL_SIZE)
    _paragraph(document)
    return table


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _day(value) -> str:
    """A date as GB/T 9704 writes it in zh-hans (2026年5月10日: Arabic numerals)."""
    if value is None:
        return ""
    if not isinstance(value, date) or hasattr(value, "hour"):
        value = time_rules.local_date(value)
    return formats.date_format(value, "Y年n月j日")  # not the house Y-m-d of the pages (config.formats)


def document_number(*, year: int | None, serial: int | str | None, prefix: str = "") -> str:
    """7.2.4: 机关代字 + 〔year〕 + serial + 号 (no padding, no 第)."""
    if not year or not serial:
        return ""
    return f"{prefix}〔{year}〕{int(serial)}号"


# --- who may read a reply letter ---------------------------------------------------------------


def may_read_reply_letter(user, reply=None) -> bool:
    """Staff; a clerk of the replying unit; a deputy the reply is addressed to (owed it or
    sent a copy, also through a merged suggestion: SUGG-11). Only a lead or separate unit's
    reply is a letter (an assisting unit's view goes to the lead unit, SUGG-5)."""
    from casework.permissions import is_unit_clerk_of, was_recipient

    role = role_of(user)
    if role not in (Role.STAFF, Role.UNIT_CLERK, Role.DEPUTY):
        return False
    if reply is None:
        return True
    if reply.role not in case_rules.REPLYING_ROLES or reply.case.kind != SUGGESTION_KIND:
        return False
    if role == Role.STAFF:
        return True
    if role == Role.UNIT_CLERK:
        return is_unit_clerk_of(user, reply.unit_id)
    return was_recipient(user, reply.case)


register(REPLY_LETTER, may_read_reply_letter)


# --- the reply letter (SUGG-6) -----------------------------------------------------------------


def reply_for_letter(user, reply_id: int) -> Reply:
    """The reply whose letter `user` may read; NotFound otherwise (never says whether it
    exists)."""
    reply = Reply.objects.select_related("case", "unit", "assignment").filter(pk=reply_id).first()
    if reply is None or not has_perm(user, REPLY_LETTER, reply):
        raise NotFound()
    return reply


def _suggestion_of(case: Case) -> Suggestion | None:
    return Suggestion.objects.select_related("congress").filter(case=case).first()


def _addressees(case: Case) -> tuple[list[str], list[str]]:
    """Deputies owed the reply, and those sent a copy (SUGG-11), filer first. Called only
    for a reply the caller may read."""
    owed, copies = [], []
    rows = (
        Recipient.objects.filter(case=case, withdrawn_at__isnull=True)
        .select_related("deputy", "user")
        .order_by("-is_lead", "pk")
    )
    for row in rows:
        name = row.deputy.name if row.deputy_id else (row.user.get_full_name() or row.user.username)
        (owed if row.owed_reply else copies).append(name)
    return list(dict.fromkeys(owed)), list(dict.fromkeys(copies))


def reply_letter_filename(reply: Reply) -> str:
    suggestion = _suggestion_of(reply.case)
    number = suggestion.number if suggestion is not None and suggestion.number else str(reply.case_id)
    return f"reply-{number}-{reply.unit.code or reply.unit_id}-{reply.round}.docx"


def reply_letter_number(reply: Reply, suggestion: Suggestion | None) -> str:
    """The letter's number: the unit's short name as 机关代字, the suggestion's year and
    serial (so each unit's letter on a suggestion has its own)."""
    if suggestion is None or not suggestion.serial:
        return document_number(
            year=time_rules.local_date(reply.submitted_at).year, serial=reply.pk, prefix=reply.unit.short_name
        )
    return document_number(year=suggestion.year, serial=suggestion.serial, prefix=reply.unit.short_name)


#: Words that end a subject naming itself as a document (《关于…的建议》).
_SELF_NAMING_ENDINGS = ("建议", "意见", "批评", "议案")
#: Words by which the clerk's own text already opens (收悉) or thanks the deputy.
_OPENING_WORDS = ("收悉",)
_THANKS_WORDS = ("感谢", "谢谢", "致谢")
_FEEDBACK_WORDS = ("征询意见表", "意见反馈表", "测评表")


def names_itself(subject: str) -> bool:
    """SUGG-6: a subject such as 关于…的建议 is the document's own title, so the letter
    quotes it in 《》 and does not add 的建议 after it."""
    return (subject or "").strip().rstrip("。．.").endswith(_SELF_NAMING_ENDINGS)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def opens_with_salutation(text: str, names: Sequence[str] = ()) -> bool:
    """Whether the clerk's reply text begins with its own salutation (张三代表： or
    尊敬的…代表：), so that the letter does not add another."""
    lines = _lines(text)
    if not lines:
        return False
    first = lines[0]
    return (
        len(first) <= 60
        and first.endswith(("：", ":"))
        and ("代表" in first or any(n in first for n in names))
    )


def _letter_parts(text: str, names: Sequence[str]) -> dict[str, bool]:
    """What the clerk's reply text already says, so the letter does not say it twice
    (SUGG-6): its salutation, the opening (…收悉), the closing thanks, the request to fill
    in the feedback form (SUGG-7)."""
    lines = _lines(text)
    salutation = opens_with_salutation(text, names)
    body = lines[1:] if salutation else lines
    return {
        "salutation": salutation,
        "opening": any(word in line for line in body[:2] for word in _OPENING_WORDS),
        "thanks": _closing_start(body) < len(body),
        "feedback": any(word in line for line in body for word in _FEEDBACK_WORDS),
    }


def _closing_start(lines: Sequence[str]) -> int:
    """Where the text's own closing (its thanks, in the last three lines) begins; the
    length of `lines` if it has none."""
    for index in range(max(0, len(lines) - 3), len(lines)):
        if any(word in lines[index] for word in _THANKS_WORDS):
            return index
    return len(lines)


def _class_line(reply_class: str) -> str:
    """办理结果分类：B类（正在解决或列入计划逐步解决）: the class letter, then its meaning
    from the class's label ("B: being solved or planned"), without a second colon."""
    label = str(rules.REPLY_CLASS_LABELS.get(reply_class, ""))
    meaning = ""
    for separator in ("：", ":"):
        head, found, tail = label.partition(separator)
        if found and head.strip() == reply_class:
            meaning = tail.strip()
            break
    if meaning:
        return _("Reply class: %(class)s (%(meaning)s)") % {"class": reply_class, "meaning": meaning}
    return _("Reply class: %(class)s") % {"class": reply_class}


def reply_letter_title(number: str, subject: str) -> str:
    """The letter's title: 对第2026-0001号建议《关于…的建议》的答复."""
    quoted = f"《{subject}》" if names_itself(subject) else f"“{subject}”"
    if number:
        return _("Reply to suggestion No. %(number)s %(title)s") % {"number": number, "title": quoted}
    return _("Reply to the suggestion %(title)s") % {"title": quoted}


def _opening(number: str, subject: str) -> str:
    """您提出的《关于…的建议》（第2026-0001号）收悉。经认真研究，现答复如下："""
    if names_itself(subject):
        title = f"《{subject}》"
        if number:
            return _(
                "We have received your suggestion %(title)s (No. %(number)s). Having studied it carefully, "
                "we reply as follows:"
            ) % {"title": title, "number": number}
        return _(
            "We have received your suggestion %(title)s. Having studied it carefully, we reply as follows:"
        ) % {"title": title}
    if number:
        return _(
            "We have received your suggestion on “%(subject)s” (No. %(number)s). Having studied it "
            "carefully, we reply as follows:"
        ) % {"subject": subject, "number": number}
    return _(
        "We have received your suggestion on “%(subject)s”. Having studied it carefully, we reply as follows:"
    ) % {"subject": subject}


def reply_letter_docx(reply: Reply) -> bytes:
    """The unit's reply letter to the deputies: mark (the unit), number, title (the
    suggestion's number and subject), addressees, body, reply class (SUGG-6) with its
    reason, signature, date, and the copy line for co-signers sent a copy (SUGG-11).

    The letter frames the clerk's reply text: it adds the salutation (…代表：), the opening
    (您提出的《…》收悉。经认真研究，现答复如下：), the closing thanks and the request to
    give a view on the feedback form (SUGG-7), each only when the text does not already
    have it (`_letter_parts`), so a text typed as a complete letter is not framed twice."""
    suggestion = _suggestion_of(reply.case)
    owed, copies = _addressees(reply.case)
    with translation.override(DOCUMENT_LANGUAGE):
        number = suggestion.number if suggestion is not None and suggestion.number else ""
        subject = (suggestion.subject if suggestion is not None else reply.case.title).strip()
        title = reply_letter_title(number, subject)
        has = _letter_parts(reply.body, [*owed, *copies])
        document = _new_document(title)
        _head(document, issuer=reply.unit.name, number=reply_letter_number(reply, suggestion))
        _title(document, title)
        if owed and not has["salutation"]:
            _addressee(document, _("Deputy %(names)s:") % {"names": "、".join(owed)})
        lines = _lines(reply.body)
        if has["salutation"]:
            _addressee(document, lines.pop(0))
        if not has["opening"]:
            _paragraph(document, _opening(number, subject), indent=True)
        closing = _closing_start(lines)
        _body(document, "\n".join(lines[:closing]))
        if reply.reply_class:
            _paragraph(document, _class_line(reply.reply_class), indent=True)
        if reply.class_reason:
            _paragraph(document, _("Reason: %(reason)s") % {"reason": reply.class_reason}, indent=True)
        _body(document, "\n".join(lines[closing:]))
        if not has["thanks"]:
            _paragraph(document, _("Thank you for your concern for and support of our work."), indent=True)
        if not has["feedback"]:
            _paragraph(
                document,
                _("Please give us your view of this reply on the enclosed feedback form."),
                indent=True,
            )
        written_on = _day(reply.submitted_at)
        signed = _("Signed by %(name)s") % {"name": reply.signed_by} if reply.signed_by else ""
        _signature(document, reply.unit.name, written_on, signed_by=signed)
        _imprint(
            document,
            issuer=reply.unit.name,
            issued_on=written_on,
            copy_to=_("Copy to: %(names)s") % {"names": "、".join(copies)} if copies else "",
        )
        return _bytes(document)


# --- the handling report (SUGG-8) --------------------------------------------------------------


def report_for(user, report_id: int) -> HandlingReport:
    """A prepared report, for staff; NotFound otherwise."""
    report = selectors.reports_for(user).filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    return report


def published_report(report_id: int) -> HandlingReport:
    """A published report (SUGG-8: public); NotFound while it is not published."""
    report = selectors.published_reports().filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    return report


def _issuer(report: HandlingReport) -> str:
    committee = StandingCommittee.objects.filter(term_id=report.term_id).first()
    return committee.name if committee is not None else report.congress.name


def short_organ_name(name: str) -> str:
    """The usual short form of a congress body's name: 人民代表大会常务委员会 → 人大常委会,
    人民代表大会 → 人大 (测试市人民代表大会常务委员会 → 测试市人大常委会)."""
    name = (name or "").strip()
    for full, short in (("人民代表大会常务委员会", "人大常委会"), ("人民代表大会", "人大")):
        if full in name:
            return name.replace(full, short)
    return name


def report_number_prefix(report: HandlingReport) -> str:
    """SUGG-8 / GB/T 9704 7.2.4: the 机关代字 of the report's document number: the
    congress's `report_number_prefix` parameter, or else the issuing standing committee's
    short name (测试市人大常委会)."""
    configured = str(effective_parameters(report.congress).get("report_number_prefix") or "").strip()
    return configured or short_organ_name(_issuer(report))


def report_number(report: HandlingReport) -> str:
    """测试市人大常委会〔2026〕2号: the prefix, the year it was prepared, the report's serial."""
    return document_number(
        year=time_rules.local_date(report.prepared_at).year,
        serial=report.pk,
        prefix=report_number_prefix(report),
    )


def report_filename(report: HandlingReport, *, published: bool = False) -> str:
    return f"handling-report-{report.pk}{'-published' if published else ''}.docx"


_STATUS_LABELS = {**dict(Case.Status.choices), **dict(Suggestion.Status.choices)}


def _label(mapping, value) -> str:
    return str(mapping.get(value, value)) if value else ""


def _counts(mapping, counts: dict) -> list[list]:
    """Rows (label, count) in the order of `mapping`, then any other value."""
    ordered = [k for k in mapping if k in counts] + sorted(k for k in counts if k not in mapping)
    return [[_label(mapping, k) or "—", counts[k]] for k in ordered]


def _report_scope(report: HandlingReport, data: dict) -> list[str]:
    """The report's opening: whose suggestions it covers (the session's, or the term's),
    the dates of filing if limited, as at when; and that it names no one (SEC-6). The
    names of the term and session are their own (`str`), in the document's language."""
    prepared_on = _day(report.prepared_at)
    if report.session_id:
        lines = [
            _(
                "This report sets out how the suggestions made by deputies at %(session)s have been handled, "
                "as at %(date)s."
            )
            % {"session": report.session, "date": prepared_on}
        ]
    else:
        lines = [
            _(
                "This report sets out how the suggestions made by the deputies of %(term)s have been "
                "handled, as at %(date)s."
            )
            % {"term": report.term, "date": prepared_on}
        ]
    since = date.fromisoformat(data["since"]) if data.get("since") else None
    until = date.fromisoformat(data["until"]) if data.get("until") else None
    if since and until:
        lines.append(
            _("It covers the suggestions filed from %(since)s to %(until)s.")
            % {"since": _day(since), "until": _day(until)}
        )
    elif since:
        lines.append(_("It covers the suggestions filed from %(since)s on.") % {"since": _day(since)})
    elif until:
        lines.append(_("It covers the suggestions filed up to %(until)s.") % {"until": _day(until)})
    lines.append(_("The report names no deputy and holds no personal data."))
    return lines


def report_docx(report: HandlingReport) -> bytes:
    """The report on the handling of suggestions (SUGG-8): totals, reply classes (SUGG-6),
    satisfaction (SUGG-7), each unit's figures, and the list of items with their number
    and scrubbed subject (SEC-6). Built from the frozen `report.data` only."""
    data = report.data or {}
    totals = data.get("totals", {})
    with translation.override(DOCUMENT_LANGUAGE):
        issuer = _issuer(report)
        document = _new_document(report.title)
        _head(document, issuer=issuer, number=report_number(report))
        _title(document, report.title)
        if report.for_session_id:
            _addressee(document, _("To the deputies of %(session)s:") % {"session": report.for_session})
        else:
            _addressee(document, _("To the standing committee:"))
        for line in _report_scope(report, data):
            _paragraph(document, line, indent=True)
        _heading(document, _("1. Overview"))
        _paragraph(
            document,
            _(
                "%(suggestions)s suggestions were received: %(registered)s registered, %(declined)s not "
                "registered, %(withdrawn)s withdrawn; %(during)s during a session and %(between)s between "
                "sessions. %(key)s were key supervised items; %(merged)s were merged with others."
            )
            % {
                "suggestions": totals.get("suggestions", 0),
                "registered": totals.get("registered", 0),
                "declined": totals.get("declined", 0),
                "withdrawn": totals.get("withdrawn", 0),
                "during": totals.get("during_session", 0),
                "between": totals.get("between_sessions", 0),
                "key": totals.get("key_supervised", 0),
                "merged": totals.get("merged", 0),
            },
            indent=True,
        )
        if data.get("by_handling_status"):
            _table(
                document,
                [_("State of handling"), _("Suggestions")],
                _counts(_STATUS_LABELS, data["by_handling_status"]),
                widths=[Mm(106), Mm(50)],
            )
        if data.get("by_category"):
            _table(
                document,
                [_("Category"), _("Suggestions")],
                [[k or _("(none)"), v] for k, v in sorted(data["by_category"].items())],
                widths=[Mm(106), Mm(50)],
            )
        _heading(document, _("2. Reply classes"))
        if data.get("reply_classes"):
            _table(
                document,
                [_("Reply class"), _("Replies")],
                _counts(rules.REPLY_CLASS_LABELS, data["reply_classes"]),
                widths=[Mm(106), Mm(50)],
            )
        else:
            _paragraph(document, _("No reply yet."), indent=True)
        _heading(document, _("3. Deputies' satisfaction"))
        if data.get("satisfaction"):
            _paragraph(
                document,
                _(
                    "Each suggestion counts once for each unit that replied to it: the deputy's "
                    "rating of the unit's final reply (after any re-handling)."
                ),
                indent=True,
            )
            _table(
                document,
                [_("Rating"), _("Ratings")],
                _counts(rules.SATISFACTION_LABELS, data["satisfaction"]),
                widths=[Mm(106), Mm(50)],
            )
            rated = [u for u in data.get("units") or [] if u.get("satisfaction")]
            scale = [k for k in rules.SATISFACTION_LABELS if k in data["satisfaction"]]
            scale += sorted(k for k in data["satisfaction"] if k not in scale)
            width = Mm(round(96 / len(scale), 1))
            _table(
                document,
                [_("Handling unit"), *[_label(rules.SATISFACTION_LABELS, k) for k in scale]],
                [[u.get("unit"), *[u["satisfaction"].get(k, 0) for k in scale]] for u in rated],
                widths=[Mm(60), *[width] * len(scale)],
            )
        else:
            _paragraph(document, _("No rating yet."), indent=True)
        _heading(document, _("4. Handling units"))
        units = data.get("units") or []
        if units:
            _table(
                document,
                [
                    _("Handling unit"),
                    _("Lead"),
                    _("Assisting"),
                    _("Separate"),
                    _("Replied"),
                    _("On time"),
                    _("Overdue"),
                ],
                [
                    [
                        u.get("unit"),
                        u.get("lead", 0),
                        u.get("assisting", 0),
                        u.get("separate", 0),
                        u.get("replied", 0),
                        u.get("replied_on_time", 0),
                        u.get("overdue", 0),
                    ]
                    for u in units
                ],
                widths=[Mm(44), *[Mm(18.6)] * 6],
            )
        else:
            _paragraph(document, _("No suggestion has been assigned yet."), indent=True)
        _heading(document, _("5. The suggestions"))
        items = data.get("items") or []
        if items:
            _table(
                document,
                [
                    _("No."),
                    _("Suggestion number"),
                    _("Subject"),
                    _("Category"),
                    _("Handling units"),
                    _("State"),
                    _("Class"),
                ],
                [
                    [
                        position,
                        i.get("number"),
                        i.get("subject"),
                        i.get("category"),
                        "、".join(i.get("units") or []),
                        _label(_STATUS_LABELS, i.get("status")),
                        i.get("reply_class"),
                    ]
                    for position, i in enumerate(items, start=1)
                ],
                widths=[Mm(11), Mm(23), Mm(42), Mm(18), Mm(26), Mm(22), Mm(14)],
            )
        else:
            _paragraph(document, _("No suggestion has been registered yet."), indent=True)
        written_on = _day(report.prepared_at)
        _signature(document, issuer, written_on)
        _imprint(document, issuer=issuer, issued_on=_day(report.published_at or report.prepared_at))
        return _bytes(document)
