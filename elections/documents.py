"""Printable election documents as Word files (python-docx): the paper ballot of a round
and the result report the scrutineers sign (ELEC-10..15, SESS-4, SEC-2).

Layout after GB/T 9704-2012 (党政机关公文格式) where it applies: A4 paper, margins top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm; the title in 方正小标宋简体 二号 (22 pt), centred;
first-level headings in 黑体; the body in 仿宋_GB2312 三号 (16 pt) on a 22-line page (a
line pitch of about 29 pt); page numbers "— 1 —" in 宋体 四号 at the foot. Fonts are named,
never embedded: the printing office's Word or LibreOffice supplies them.

Documents are written in the congress's official language (zh-hans) whatever the language
of the person downloading them; the text comes from the translation catalogue. Nothing here
reads the database or checks permissions: the views pass in what the selectors returned.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .rules import MAJORITY

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_LANGUAGE = "zh-hans"

# GB/T 9704-2012 7.1 (paper and margins) and 7.2-7.3 (fonts and sizes).
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(14)  # 四号: table text, so that a ballot's columns fit the type area
LINE_PITCH = Pt(29)  # 22 lines in the 225 mm type area


# --- the page and its type -------------------------------------------------------------------


def _set_fonts(element, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Name the fonts of a run or style: Chinese text in `east_asian`, Latin in `latin`."""
    r_pr = element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _new_document():
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    _set_fonts(normal.element, BODY_FONT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE_PITCH
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    _page_numbers(section)
    document.core_properties.language = DOCUMENT_LANGUAGE
    return document


def _page_numbers(section) -> None:
    """GB/T 9704 7.5: "— 1 —" in 宋体 四号 at the foot of each page."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", PAGE_NUMBER_FONT, TABLE_SIZE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    _run(paragraph, " —", PAGE_NUMBER_FONT, TABLE_SIZE)


def _run(paragraph, text: str, font: str = BODY_FONT, size=BODY_SIZE, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.size = size
    run.bold = bold
    _set_fonts(run._element, font)
    return run


def _title(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = Pt(36)
    _run(paragraph, text, TITLE_FONT, TITLE_SIZE)


def _line(document, text: str = "", *, align=None, font: str = BODY_FONT, bold: bool = False, indent: bool = False):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(32)  # two characters (GB/T 9704 7.3.5)
    if text:
        _run(paragraph, text, font, BODY_SIZE, bold)
    return paragraph


def _heading(document, text: str) -> None:
    _line(document, text, font=HEADING_FONT, indent=True)


def _table(document, header: Sequence[str], rows: Sequence[Sequence[str]], *, widths=None, row_height=None):
    """A ruled table (each cell a box), its text in 仿宋 四号 at single spacing."""
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_index, values in enumerate([list(header), *map(list, rows)]):
        row = table.rows[row_index]
        if row_height is not None and row_index > 0:
            row.height = row_height
        for column, value in enumerate(values):
            cell = row.cells[column]
            if widths is not None:
                cell.width = widths[column]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if column else WD_ALIGN_PARAGRAPH.LEFT
            text = "" if value is None else str(value)
            if text:
                _run(paragraph, text, HEADING_FONT if row_index == 0 else BODY_FONT, TABLE_SIZE)
    return table


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _basis(basis: str) -> str:
    if basis == "elected":
        return _("every deputy elected in the term")
    return _("deputies in office")


# --- the ballot ------------------------------------------------------------------------------


def ballot_docx(
    *,
    congress: str,
    session: str,
    office: str,
    stage: str,
    number: int,
    seats: int,
    candidates: Sequence[str],
    write_in_lines: int,
    write_ins_deputies_only: bool,
    unclear_voids: bool,
) -> bytes:
    """The paper ballot of one round: a FOR / AGAINST / ABSTAIN box per name on the list
    and, where write-ins are taken, one write-in line per seat (ELEC-10, ELEC-12)."""
    with translation.override(DOCUMENT_LANGUAGE):
        document = _new_document()
        _line(document, f"{congress} {session}", align=WD_ALIGN_PARAGRAPH.CENTER)
        _title(document, _("Ballot for the election of %(office)s") % {"office": office})
        _line(document, f"（{stage}）", align=WD_ALIGN_PARAGRAPH.CENTER)
        _line(document, _("Sheet no.: ________"), align=WD_ALIGN_PARAGRAPH.RIGHT)
        _line(
            document,
            _("Seats to fill: %(seats)s. Names on the ballot: %(count)s.") % {"seats": seats, "count": len(candidates)},
            indent=True,
        )
        _heading(document, _("Instructions"))
        instructions = [
            _("For each name, mark one box only: For, Against or Abstain. A name left unmarked counts as an abstention."),
            ngettext(
                "Choose at most %(seats)s person: For marks and names written in together. A ballot choosing more is void.",
                "Choose at most %(seats)s persons: For marks and names written in together. A ballot choosing more is void.",
                seats,
            )
            % {"seats": seats},
        ]
        if write_in_lines:
            if write_ins_deputies_only:
                instructions.append(
                    _("To vote for someone not on the ballot, write their name on a write-in line; only a deputy of this congress may be written in.")
                )
            else:
                instructions.append(
                    _("To vote for someone not on the ballot, write their name on a write-in line; any voter may be written in.")
                )
        if unclear_voids:
            instructions.append(_("A mark that cannot be read makes the whole ballot void."))
        else:
            instructions.append(_("A mark that cannot be read counts as an abstention for that name."))
        instructions.append(_("Do not sign the ballot. Fold it and put it in the ballot box yourself."))
        for index, text in enumerate(instructions, start=1):
            _line(document, f"{index}. {text}", indent=True)
        _line(document)
        _table(
            document,
            [pgettext("person", "Name"), _("For"), _("Against"), _("Abstain")],
            [[name, "", "", ""] for name in candidates],
            widths=[Mm(66), Mm(30), Mm(30), Mm(30)],
            row_height=Mm(12),
        )
        if write_in_lines:
            _line(document)
            _heading(document, _("Write-in (another person)"))
            _table(
                document,
                [pgettext("ballot: number of a write-in line", "No."), _("Name written in")],
                [[str(n), ""] for n in range(1, write_in_lines + 1)],
                widths=[Mm(20), Mm(136)],
                row_height=Mm(12),
            )
        return _bytes(document)


# --- the result report ------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def result_report_docx(
    *,
    congress: str,
    session: str,
    office: str,
    stage: str,
    report,
    scrutineers: Sequence[tuple[str, str, object]],
    counted_at,
) -> bytes:
    """The result report of a counted round (`report`: elections.selectors.RoundReport)
    with the signature line of every scrutineer (SEC-2). `scrutineers`: (name, role,
    signed_at or None)."""
    result = report.result
    with translation.override(DOCUMENT_LANGUAGE):
        document = _new_document()
        _line(document, f"{congress} {session}", align=WD_ALIGN_PARAGRAPH.CENTER)
        _title(document, _("Result report: election of %(office)s") % {"office": office})
        _line(document, f"（{stage}）", align=WD_ALIGN_PARAGRAPH.CENTER)
        if counted_at is not None:
            _line(
                document,
                _("Counted on %(date)s") % {"date": timezone.localtime(counted_at).strftime("%Y-%m-%d %H:%M")},
                align=WD_ALIGN_PARAGRAPH.CENTER,
            )
        _line(document)

        _heading(document, _("1. The ballots"))
        _table(
            document,
            [_("Item"), pgettext("how many", "Number")],
            [
                [_("All deputies (%(basis)s)") % {"basis": _basis(result.all_deputies_basis)}, result.all_deputies],
                _threshold_row(report),
                [_("Seats to fill"), result.seats],
                [_("Ballots issued"), result.ballots_issued],
                [_("Ballots returned"), result.ballots_returned],
                [_("Valid ballots"), result.ballots_valid],
                [_("Void ballots"), result.ballots_void],
                [_("Ineligible write-ins left out"), result.write_ins_dropped],
                [_("The round is valid (ballots returned not more than issued)"), _yes_no(result.round_valid)],
            ],
            widths=[Mm(116), Mm(40)],
        )
        _line(document)

        _heading(document, _("2. Votes per person"))
        elected = set(report.elected)
        _table(
            document,
            [pgettext("person", "Name"), _("For"), _("Against"), _("Abstain"), _("Elected")],
            [
                [
                    _("%(name)s (written in)") % {"name": o.label} if o.is_write_in else o.label,
                    o.for_votes,
                    o.against,
                    o.abstain,
                    _yes_no(o.label in elected),
                ]
                for o in result.options
            ],
            widths=[Mm(56), Mm(25), Mm(25), Mm(25), Mm(25)],
        )
        _line(document)

        _heading(document, _("3. Outcome"))
        for text in outcome_lines(report):
            _line(document, text, indent=True)
        _line(document)

        _heading(document, _("4. Scrutineers"))
        _line(
            document,
            _("We checked the number of voters against the number of ballots and confirm this result."),
            indent=True,
        )
        _table(
            document,
            [
                pgettext("person", "Name"),
                _("Role"),
                _("Signature"),
                pgettext("result report: scrutineers table", "Time confirmed in the system"),
            ],
            [
                [name, role, "", timezone.localtime(signed).strftime("%Y-%m-%d %H:%M") if signed else ""]
                for name, role, signed in scrutineers
            ],
            widths=[Mm(40), Mm(30), Mm(50), Mm(36)],
            row_height=Mm(15),
        )
        _line(document)
        _line(document, _("Date: ____________"), align=WD_ALIGN_PARAGRAPH.RIGHT)
        return _bytes(document)


def _threshold_row(report) -> list:
    """The report's threshold line: the majority of all deputies (ELEC-13), or, where the
    most votes decide, that none is needed (a primary, ELEC-9; a tie-break, ELEC-14)."""
    if report.basis != MAJORITY:
        if report.stage == "primary":
            return [_("Majority of all deputies needed to be elected"), _("none: the most votes make the list (ELEC-9)")]
        return [_("Majority of all deputies needed to be elected"), _("none: the most votes are elected (ELEC-14)")]
    return [_("Majority of all deputies needed to be elected"), report.result.threshold]


def outcome_lines(report) -> list[str]:
    """The outcome of a round in sentences (also shown on the result page)."""
    result = report.result
    if not result.round_valid:
        return [_("The round is void: more ballots were returned than issued. It is held again (ELEC-11).")]
    lines = []
    if report.stage == "primary":
        if report.official_list:
            lines.append(_("Chosen for the official list: %(names)s (ELEC-9).") % {"names": "、".join(report.official_list)})
    elif report.elected:
        lines.append(_("Elected: %(names)s.") % {"names": "、".join(report.elected)})
    elif not report.tie_break and report.basis == MAJORITY:
        lines.append(_("Nobody reached a majority of all deputies."))
    if report.tie_break:
        names = {"names": "、".join(report.tie_break), "counter": report.tie_break_seats}
        if report.stage == "primary":
            text = ngettext(
                "%(names)s are tied at the cut-off for %(counter)s place on the list: the session's rule on primary "
                "ties decides (ELEC-9).",
                "%(names)s are tied at the cut-off for %(counter)s places on the list: the session's rule on "
                "primary ties decides (ELEC-9).",
                report.tie_break_seats,
            )
        else:
            text = ngettext(
                "%(names)s are tied for %(counter)s seat: a new vote among them only decides (ELEC-14).",
                "%(names)s are tied for %(counter)s seats: a new vote among them only decides (ELEC-14).",
                report.tie_break_seats,
            )
        lines.append(text % names)
    if report.seats_unfilled:
        lines.append(
            _("%(seats)s seat(s) left unfilled go to a run-off (ELEC-15).") % {"seats": report.seats_unfilled}
        )
    return lines
