"""An election's counting pages are balloting's shared pages with the election's ballot
(ELEC-10, ELEC-11, ELEC-12): what they say where the round stands, and the lines of the
election's ballot on them. Six deputies, all present; the mayor's election on paper."""

import pytest
from django.urls import reverse

from balloting.models import Round

from .test_pages_counting import FOUR_FOR_ZHANG, enter_all, paper_round, scrutineers, signed_in  # noqa: F401

pytestmark = pytest.mark.django_db


def page(client, name, election_round, *args) -> str:
    return client.get(reverse(f"elections:{name}", args=[election_round.pk, *args])).content.decode()


@pytest.fixture
def counted(client, paper_round, scrutineers, staff):  # noqa: F811
    a, b = signed_in(client, scrutineers[0]), signed_in(type(client)(), scrutineers[1])
    enter_all(a, b, paper_round, FOUR_FOR_ZHANG, FOUR_FOR_ZHANG)
    signed_in(type(client)(), staff).post(reverse("elections:round-count", args=[paper_round.pk]))
    paper_round.refresh_from_db()
    return paper_round


def test_the_entry_page_numbers_the_candidates_and_names_the_write_in_lines(
    client,
    paper_round,  # noqa: F811
    scrutineers,  # noqa: F811
):
    """ELEC-10: a line per candidate, in ballot order, and a numbered write-in line per seat."""
    text = page(signed_in(client, scrutineers[0]), "ballot-entry", paper_round)
    assert "1. 张三" in text and "2. 李四" in text
    assert "Write-in 1" in text and "Another person" not in text


def test_elec_11_after_the_count_the_entry_page_says_the_vote_is_counted(client, counted, scrutineers):  # noqa: F811
    text = page(signed_in(client, scrutineers[0]), "ballot-entry", counted)
    assert "The vote is counted: no more sheets are entered." in text
    assert "Save this sheet" not in text


def test_after_the_count_the_discrepancies_no_longer_say_the_count_waits(client, counted, scrutineers):  # noqa: F811
    text = page(signed_in(client, scrutineers[0]), "discrepancy-list", counted)
    assert "<dt>Sheets that agree</dt><dd>6</dd>" in text
    assert "The count waits" not in text


def test_elec_11_sheets_wait_for_the_ballots_issued(client, paper_round, scrutineers):  # noqa: F811
    """A round closed before the ballots issued are recorded (written straight to the table
    here): the page says so instead of offering a form every sheet of which is refused."""
    Round.objects.filter(pk=paper_round.round.pk).update(ballots_issued=0)
    text = page(signed_in(client, scrutineers[0]), "ballot-entry", paper_round)
    assert "Record the ballots issued before the returned sheets are entered (ELEC-11)." in text
    assert "Save this sheet" not in text
