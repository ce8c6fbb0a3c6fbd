"""The printable ballot and the signed result report (docx): downloaded by those allowed,
laid out after GB/T 9704 (A4, margins 37/35/28/26 mm, 三号 仿宋 body, 二号 小标宋 title), and
readable by LibreOffice with every name and number in it (ELEC-10..13, SESS-4, SEC-2)."""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from balloting import services as balloting
from core.accounts.roles import Role
from elections import documents, services
from elections import selectors as selectors_module
from elections.models import Election, Office

from .factories import ElectionFactory, NominationFactory, OfficeFactory

pytestmark = pytest.mark.django_db

DOCX = documents.DOCX_CONTENT_TYPE


def doc(msgid: str, **params) -> str:
    """A text as the documents print it: in the congress's language (zh-hans)."""
    with translation.override(documents.DOCUMENT_LANGUAGE):
        text = gettext(msgid)
    return text % params if params else text


@pytest.fixture
def scrutineers(make_user):
    return make_user(Role.DEPUTY, first_name="钱监票"), make_user(Role.DEPUTY, first_name="孙计票")


@pytest.fixture
def first_round(session, staff, scrutineers, everyone_present):
    """Vice-mayors, two seats, three names on the paper ballot; the vote closed."""
    election = ElectionFactory(
        session=session, seats=2,
        office=OfficeFactory(congress=session.term.congress, kind=Office.Kind.VICE_MAYOR, name="测试市副市长"),
        vote_method=Election.Method.PAPER,
    )
    for name in ("赵一", "钱二", "孙三"):
        NominationFactory(election=election, name=name)
    for user in scrutineers:
        services.appoint_scrutineer(by=staff, election=election, user=user)
    services.finalise_candidate_list(by=staff, election=election)
    election_round = election.rounds.get()
    services.open_election_round(by=staff, election_round=election_round)
    balloting.issue_ballots(by=staff, round=election_round.round, count=6)
    balloting.close_round(by=staff, round=election_round.round)
    return election_round


@pytest.fixture
def counted(first_round, staff, scrutineers):
    """Five sheets: 赵一 5 FOR, 钱二 4 FOR, 孙三 1 FOR; one scrutineer has signed."""
    keys = {o.label: o.key for o in first_round.round.options.all()}
    sheets = [{"赵一": "for", "钱二": "for"}] * 4 + [{"赵一": "for", "孙三": "for", "钱二": "against"}]
    for number, marks in enumerate(sheets, start=1):
        for user in scrutineers:
            balloting.enter_paper_ballot(
                by=user, round=first_round.round, sheet_number=number,
                marks={keys[name]: mark for name, mark in marks.items()},
            )
    services.count_election_round(by=staff, election_round=first_round)
    balloting.sign_off(by=scrutineers[0], round=first_round.round)
    first_round.refresh_from_db()
    return first_round


def download(client, user, name, election_round):
    client.force_login(user)
    return client.get(reverse(f"elections:{name}", args=[election_round.pk]))


# --- who may download -----------------------------------------------------------------------


def test_staff_download_the_printable_ballot(client, staff, first_round):
    response = download(client, staff, "ballot-download", first_round)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]


def test_a_scrutineer_downloads_the_report_but_not_the_blank_ballot(client, scrutineers, counted):
    assert download(client, scrutineers[0], "report-download", counted).status_code == 200
    assert download(client, scrutineers[0], "ballot-download", counted).status_code == 403


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.CITIZEN, Role.PUBLIC])
def test_others_download_neither(client, users, counted, role):
    assert download(client, users[role], "ballot-download", counted).status_code == 403
    assert download(client, users[role], "report-download", counted).status_code == 403


def test_there_is_no_report_before_the_count(client, staff, first_round):
    assert download(client, staff, "report-download", first_round).status_code == 404


# --- the layout (GB/T 9704) -----------------------------------------------------------------


def test_gb_t_9704_page_margins_and_fonts(client, staff, first_round):
    document = Document(io.BytesIO(download(client, staff, "ballot-download", first_round).content))
    section = document.sections[0]
    def mm(length):
        return round(length.mm)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title = document.paragraphs[1]
    assert title.alignment == 1  # centred
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_elec_10_the_ballot_has_a_box_per_mark_and_a_write_in_line_per_seat(client, staff, first_round):
    document = Document(io.BytesIO(download(client, staff, "ballot-download", first_round).content))
    names, write_ins = document.tables
    assert [cell.text for cell in names.rows[0].cells][1:] == [doc("For"), doc("Against"), doc("Abstain")]
    assert [row.cells[0].text for row in names.rows[1:]] == ["赵一", "钱二", "孙三"]
    assert all(cell.text == "" for row in names.rows[1:] for cell in row.cells[1:])
    assert len(write_ins.rows) == 1 + 2  # two seats


def test_a_tie_break_ballot_takes_no_write_ins():
    content = documents.ballot_docx(
        congress="测试市人民代表大会", session="第一次会议", office="副市长", stage="tie-break", number=2,
        seats=1, candidates=["甲", "乙"], write_in_lines=0, write_ins_deputies_only=False, unclear_voids=False,
    )
    assert len(Document(io.BytesIO(content)).tables) == 1


def test_the_write_in_table_numbers_its_lines(client, staff, first_round):
    document = Document(io.BytesIO(download(client, staff, "ballot-download", first_round).content))
    _names, write_ins = document.tables
    with translation.override(documents.DOCUMENT_LANGUAGE):
        header = pgettext("ballot: number of a write-in line", "No.")
    assert [cell.text for cell in write_ins.rows[0].cells][0] == header
    assert [row.cells[0].text for row in write_ins.rows[1:]] == ["1", "2"]


def test_sec_2_the_report_names_the_column_of_times_confirmed_in_the_system(client, staff, counted):
    document = Document(io.BytesIO(download(client, staff, "report-download", counted).content))
    signatures = document.tables[-1]
    with translation.override(documents.DOCUMENT_LANGUAGE):
        header = pgettext("result report: scrutineers table", "Time confirmed in the system")
    assert signatures.rows[0].cells[-1].text == header
    assert signatures.rows[1].cells[-1].text != "" and signatures.rows[2].cells[-1].text == ""


def tie_break_report(**changes):
    result = selectors_module.balloting_selectors.RoundResult(
        round_id=1, title="副市长", status="counted", round_valid=True, all_deputies=200, all_deputies_basis="in_office",
        threshold=101, seats=1, ballots_issued=200, ballots_returned=200, ballots_valid=200, ballots_void=0,
        write_ins_dropped=0, options=(), scrutineers=(), signed_off=True,
    )
    values = {
        "election_id": 1, "stage": "tie_break", "number": 2, "result": result, "elected": ("甲",), "tie_break": (),
        "tie_break_seats": 0, "seats_unfilled": 0, "official_list": (), "announced": True, "basis": "most_votes",
    }
    values.update(changes)
    return selectors_module.RoundReport(**values)


def test_elec_14_the_report_of_a_tie_break_needs_no_majority():
    """ELEC-14: 甲 wins the tie-break 99 to 98 (200 deputies): elected, with no majority line;
    a tie again is a tie, not a failure to reach a majority."""
    with translation.override(documents.DOCUMENT_LANGUAGE):
        won = documents.outcome_lines(tie_break_report())
        tied = documents.outcome_lines(tie_break_report(elected=(), tie_break=("甲", "乙"), tie_break_seats=1))
    assert won == [doc("Elected: %(names)s.", names="甲")]
    assert doc("Nobody reached a majority of all deputies.") not in tied
    assert len(tied) == 1 and "ELEC-14" in tied[0] and "ELEC-9" not in tied[0]
    content = documents.result_report_docx(
        congress="测试市人民代表大会", session="第一次会议", office="副市长", stage="tie-break",
        report=tie_break_report(), scrutineers=[], counted_at=None,
    )
    rows = {row.cells[0].text: row.cells[1].text for row in Document(io.BytesIO(content)).tables[0].rows}
    assert rows[doc("Majority of all deputies needed to be elected")] == doc("none: the most votes are elected (ELEC-14)")


# --- LibreOffice reads every name and number back ---------------------------------------------


def as_text(tmp_path, content: bytes, name: str) -> str:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / f"{name}.docx"
    source.write_bytes(content)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "txt:Text",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / f"{name}.txt").read_text(encoding="utf-8-sig")


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@pytest.mark.libreoffice
def test_libreoffice_reads_the_ballot(tmp_path, client, staff, first_round):
    text = as_text(tmp_path, download(client, staff, "ballot-download", first_round).content, "ballot")
    for name in ("赵一", "钱二", "孙三", "测试市副市长", "测试市人民代表大会"):
        assert name in text
    assert doc("Seats to fill: %(seats)s. Names on the ballot: %(count)s.", seats=2, count=3) in text


@pytest.mark.libreoffice
def test_libreoffice_reads_the_result_report(tmp_path, client, staff, counted):
    text = as_text(tmp_path, download(client, staff, "report-download", counted).content, "report")
    found = lines(text)
    # All deputies 6 (deputies in office), threshold 4, seats 2; ballots 6 issued, 5 returned, 5 valid, 0 void.
    for label, value in (
        (doc("All deputies (%(basis)s)", basis=doc("deputies in office")), "6"),
        (doc("Majority of all deputies needed to be elected"), "4"),
        (doc("Seats to fill"), "2"),
        (doc("Ballots issued"), "6"),
        (doc("Ballots returned"), "5"),
        (doc("Valid ballots"), "5"),
        (doc("Void ballots"), "0"),
    ):
        assert found[found.index(label) + 1] == value, label
    # Votes per person: name, for, against, abstain, elected.
    yes, no = doc("yes"), doc("no")
    assert found[found.index("赵一") : found.index("赵一") + 5] == ["赵一", "5", "0", "0", yes]
    assert found[found.index("钱二") : found.index("钱二") + 5] == ["钱二", "4", "1", "0", yes]
    assert found[found.index("孙三") : found.index("孙三") + 5] == ["孙三", "1", "0", "4", no]
    assert doc("Elected: %(names)s.", names="赵一、钱二") in text
    # Every scrutineer has a signature line; the one who signed in the system shows the time.
    assert "钱监票" in text and "孙计票" in text
