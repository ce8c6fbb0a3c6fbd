"""The counting pages: two scrutineers enter every paper sheet, discrepancies are shown and
resolved before the count, the result shows the threshold on all deputies and who is
elected, each scrutineer signs, staff announce, the public sees the announced result only
(ELEC-11..15, SESS-4, SEC-1, SEC-2). Six deputies, all present: a majority of all is 4."""

import re

import pytest
from django.urls import reverse

from balloting import services as balloting
from balloting.models import PaperEntry, SheetResolution
from core.accounts.roles import Role
from elections import services
from elections.models import Election, ElectionRound, Office

from .factories import ElectionFactory, NominationFactory, OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scrutineers(make_user):
    """Two scrutineers chosen by the deputies: deputy accounts, neither a nominee."""
    return make_user(Role.DEPUTY, first_name="甲监票"), make_user(Role.DEPUTY, first_name="乙监票")


@pytest.fixture
def paper_round(session, staff, scrutineers, everyone_present):
    """A mayor's election on paper, 张三 and 李四 on the list, three ballots issued, the
    vote closed: ready for entry."""
    election = ElectionFactory(
        session=session,
        office=OfficeFactory(congress=session.term.congress, kind=Office.Kind.MAYOR),
        vote_method=Election.Method.PAPER,
    )
    NominationFactory(election=election, name="张三")
    NominationFactory(election=election, name="李四")
    for user in scrutineers:
        services.appoint_scrutineer(by=staff, election=election, user=user)
    services.finalise_candidate_list(by=staff, election=election)
    election_round = election.rounds.get()
    services.open_election_round(by=staff, election_round=election_round)
    balloting.issue_ballots(by=staff, round=election_round.round, count=6)
    balloting.close_round(by=staff, round=election_round.round)
    election_round.round.refresh_from_db()
    return election_round


def keys(election_round):
    return {o.label: o.key for o in election_round.round.options.all()}


def signed_in(client, user):
    client.force_login(user)
    return client


def entry(client, election_round, sheet, marks, write_ins=()):
    data = {"sheet_number": sheet}
    by_label = keys(election_round)
    for label, mark in marks.items():
        data[f"mark_{by_label[label]}"] = mark
    for number, name in enumerate(write_ins, start=1):
        data[f"write_in_{number}"] = name
    return client.post(reverse("elections:ballot-entry", args=[election_round.pk]), data)


def enter_all(client_a, client_b, election_round, sheets_a, sheets_b):
    for number, marks in enumerate(sheets_a, start=1):
        assert entry(client_a, election_round, number, marks).status_code == 302
    for number, marks in enumerate(sheets_b, start=1):
        assert entry(client_b, election_round, number, marks).status_code == 302


FOUR_FOR_ZHANG = [{"张三": "for", "李四": "against"}] * 4 + [{"李四": "for"}] * 2


# --- entry ---------------------------------------------------------------------------------


def test_the_entry_page_shows_each_name_with_its_marks_and_the_write_in_line(client, paper_round, scrutineers):
    response = signed_in(client, scrutineers[0]).get(reverse("elections:ballot-entry", args=[paper_round.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("张三", "李四", "For", "Against", "Abstain", "Unclear", "Blank", "Write-in 1"):
        assert text in page
    assert 'value="1"' in page  # the first sheet number is proposed


def test_a_scrutineer_enters_a_sheet_and_is_offered_the_next(client, paper_round, scrutineers):
    signed_in(client, scrutineers[0])
    response = entry(client, paper_round, 1, {"张三": "for", "李四": "against"}, write_ins=())
    assert response.status_code == 302
    assert response["Location"].endswith("?sheet=2")
    stored = PaperEntry.objects.get(round=paper_round.round, sheet_number=1)
    assert stored.entered_by == scrutineers[0]
    assert stored.marks == {keys(paper_round)["张三"]: "for", keys(paper_round)["李四"]: "against"}


def test_a_bad_sheet_number_is_shown_on_the_form(client, paper_round, scrutineers):
    signed_in(client, scrutineers[0])
    response = entry(client, paper_round, 0, {"张三": "for"})
    assert response.status_code == 422
    assert PaperEntry.objects.count() == 0


def test_a_third_reading_of_a_sheet_is_refused_on_the_form(client, paper_round, scrutineers, make_user, staff):
    third = make_user(Role.DEPUTY)
    services.appoint_scrutineer(by=staff, election=paper_round.election, user=third)
    enter_all(signed_in(client, scrutineers[0]), signed_in(type(client)(), scrutineers[1]), paper_round,
              [{"张三": "for"}], [{"张三": "for"}])
    response = entry(signed_in(type(client)(), third), paper_round, 1, {"张三": "for"})
    assert response.status_code == 422
    assert "already been entered twice" in response.content.decode()


def test_one_scrutineer_never_sees_the_others_reading_on_the_entry_page(client, paper_round, scrutineers):
    entry(signed_in(type(client)(), scrutineers[1]), paper_round, 1, {"张三": "unclear", "李四": "unclear"})
    page = signed_in(client, scrutineers[0]).get(
        reverse("elections:ballot-entry", args=[paper_round.pk]) + "?sheet=1"
    ).content.decode()
    assert page.count(" checked") == 2  # both lines offered blank, nothing of the other reading


def test_a_scrutineer_corrects_their_own_reading(client, paper_round, scrutineers):
    signed_in(client, scrutineers[0])
    entry(client, paper_round, 1, {"张三": "for"})
    page = client.get(reverse("elections:ballot-entry", args=[paper_round.pk]) + "?sheet=1").content.decode()
    assert page.count(" checked") == 2 and re.search(r'<input[^>]*value="for"[^>]*checked', page)
    entry(client, paper_round, 1, {"张三": "against"})
    assert PaperEntry.objects.get(round=paper_round.round, sheet_number=1).marks == {keys(paper_round)["张三"]: "against"}


def test_staff_who_are_not_scrutineers_cannot_enter_ballots(client, paper_round, staff):
    """SEC-2: only the round's scrutineers enter ballots."""
    response = signed_in(client, staff).get(reverse("elections:ballot-entry", args=[paper_round.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.DEPUTY, Role.UNIT_CLERK, Role.PUBLIC])
def test_others_are_refused_the_counting_pages(client, paper_round, users, role):
    signed_in(client, users[role])
    for name in ("ballot-entry", "discrepancy-list", "round-detail", "round-result"):
        assert client.get(reverse(f"elections:{name}", args=[paper_round.pk])).status_code in (403, 404)
    assert client.get(reverse("elections:counting")).status_code == 403


def test_a_scrutineer_of_another_election_cannot_open_this_round(client, paper_round, session, staff, make_user):
    other_scrutineer = make_user(Role.DEPUTY)
    other = ElectionFactory(session=session, office=OfficeFactory(congress=session.term.congress, kind=Office.Kind.VICE_MAYOR))
    services.appoint_scrutineer(by=staff, election=other, user=other_scrutineer)
    signed_in(client, other_scrutineer)
    assert client.get(reverse("elections:counting")).status_code == 200
    assert client.get(reverse("elections:ballot-entry", args=[paper_round.pk])).status_code == 404


def test_the_counting_list_shows_a_scrutineer_their_rounds(client, paper_round, scrutineers):
    page = signed_in(client, scrutineers[0]).get(reverse("elections:counting")).content.decode()
    assert str(paper_round.election.office) in page


# --- discrepancies and the count -------------------------------------------------------------


def test_a_discrepancy_is_shown_with_both_readings_and_blocks_the_count(client, paper_round, scrutineers, staff):
    a, b = signed_in(client, scrutineers[0]), signed_in(type(client)(), scrutineers[1])
    sheets = FOUR_FOR_ZHANG
    differing = list(sheets)
    differing[1] = {"张三": "abstain", "李四": "against"}
    enter_all(a, b, paper_round, sheets, differing)

    page = a.get(reverse("elections:discrepancy-list", args=[paper_round.pk])).content.decode()
    assert 'id="sheet-2"' in page
    assert "Abstain" in page and "differs" in page
    assert 'id="sheet-1"' not in page  # the sheets that agree are only counted

    staff_client = signed_in(type(client)(), staff)
    response = staff_client.post(reverse("elections:round-count", args=[paper_round.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("elections:discrepancy-list", args=[paper_round.pk])
    paper_round.refresh_from_db()
    assert paper_round.outcome is None
    page = staff_client.get(response["Location"]).content.decode()
    assert "sheet 2" in page  # the refusal names the sheet


def test_the_count_button_is_disabled_until_every_sheet_is_settled(client, paper_round, scrutineers, staff):
    entry(signed_in(client, scrutineers[0]), paper_round, 1, {"张三": "for"})
    page = signed_in(type(client)(), staff).get(reverse("elections:round-detail", args=[paper_round.pk])).content.decode()
    assert "disabled" in page.split(reverse("elections:round-count", args=[paper_round.pk]))[1].split("</form>")[0]


def test_elec_11_ballots_issued_cannot_be_changed_on_the_round_page_after_the_close(client, paper_round, staff):
    """ELEC-11: once the vote is closed the figure is fixed: the form is gone and a posted
    change is refused with a message, the figure unchanged."""
    staff_client = signed_in(client, staff)
    round_url = reverse("elections:round-detail", args=[paper_round.pk])
    page = staff_client.get(round_url).content.decode()
    assert reverse("elections:round-issue", args=[paper_round.pk]) not in page
    assert "The ballots issued are fixed" in page
    response = staff_client.post(reverse("elections:round-issue", args=[paper_round.pk]), {"count": "3"}, follow=True)
    assert "fixed when the vote closed" in response.content.decode()
    paper_round.round.refresh_from_db()
    assert paper_round.round.ballots_issued == 6


def test_elec_11_ballots_issued_above_the_deputies_present_are_refused_on_the_page(
    client, session, staff, scrutineers, everyone_present
):
    election = ElectionFactory(
        session=session,
        office=OfficeFactory(congress=session.term.congress, kind=Office.Kind.MAYOR),
        vote_method=Election.Method.PAPER,
    )
    NominationFactory(election=election, name="张三")
    for user in scrutineers:
        services.appoint_scrutineer(by=staff, election=election, user=user)
    services.finalise_candidate_list(by=staff, election=election)
    election_round = election.rounds.get()
    services.open_election_round(by=staff, election_round=election_round)
    response = signed_in(client, staff).post(
        reverse("elections:round-issue", args=[election_round.pk]), {"count": "7"}, follow=True
    )
    assert "At most 6 ballots can be issued: 6 deputies are checked in" in response.content.decode()
    election_round.round.refresh_from_db()
    assert election_round.round.ballots_issued == 0


def test_elec_11_a_round_with_no_sheet_entered_cannot_be_counted(client, paper_round, staff):
    """ELEC-11: ballots issued and the vote closed, but no sheet entered: the page does not
    say the round can be counted, and counting it is refused."""
    staff_client = signed_in(client, staff)
    page = staff_client.get(reverse("elections:round-detail", args=[paper_round.pk])).content.decode()
    assert "No returned sheet has been entered yet" in page
    assert "the round can be counted" not in page
    response = staff_client.post(reverse("elections:round-count", args=[paper_round.pk]), follow=True)
    assert "no returned sheet has been entered yet" in response.content.decode()
    paper_round.refresh_from_db()
    assert paper_round.outcome is None and paper_round.round.counted_at is None


def test_resolving_a_sheet_with_the_first_reading_lets_the_count_go_ahead(client, paper_round, scrutineers, staff):
    a, b = signed_in(client, scrutineers[0]), signed_in(type(client)(), scrutineers[1])
    differing = list(FOUR_FOR_ZHANG)
    differing[1] = {"张三": "abstain", "李四": "against"}
    enter_all(a, b, paper_round, FOUR_FOR_ZHANG, differing)

    resolve_url = reverse("elections:sheet-resolve", args=[paper_round.pk, 2])
    assert b.get(resolve_url).status_code == 200
    response = b.post(resolve_url, {"use": "1", "note": "对照原票"})
    assert response.status_code == 302
    resolution = SheetResolution.objects.get(round=paper_round.round, sheet_number=2)
    assert resolution.marks[keys(paper_round)["张三"]] == "for"

    response = signed_in(type(client)(), staff).post(reverse("elections:round-count", args=[paper_round.pk]))
    assert response["Location"] == reverse("elections:round-result", args=[paper_round.pk])
    paper_round.refresh_from_db()
    assert paper_round.outcome["elected"] == [keys(paper_round)["张三"]]


def test_a_sheet_resolved_with_the_agreed_reading(client, paper_round, scrutineers):
    a, b = signed_in(client, scrutineers[0]), signed_in(type(client)(), scrutineers[1])
    enter_all(a, b, paper_round, [{"张三": "for"}], [{"张三": "against"}])
    data = {"use": "agreed", f"mark_{keys(paper_round)['张三']}": "abstain"}
    assert a.post(reverse("elections:sheet-resolve", args=[paper_round.pk, 1]), data).status_code == 302
    resolution = SheetResolution.objects.get(round=paper_round.round, sheet_number=1)
    assert resolution.marks == {keys(paper_round)["张三"]: "abstain"}


def test_resolving_without_a_choice_is_shown_on_the_form(client, paper_round, scrutineers):
    a, b = signed_in(client, scrutineers[0]), signed_in(type(client)(), scrutineers[1])
    enter_all(a, b, paper_round, [{"张三": "for"}], [{"张三": "against"}])
    response = a.post(reverse("elections:sheet-resolve", args=[paper_round.pk, 1]), {})
    assert response.status_code == 422
    assert not SheetResolution.objects.exists()


def test_a_sheet_that_agrees_has_nothing_to_resolve(client, paper_round, scrutineers):
    a, b = signed_in(client, scrutineers[0]), signed_in(type(client)(), scrutineers[1])
    enter_all(a, b, paper_round, [{"张三": "for"}], [{"张三": "for"}])
    assert a.get(reverse("elections:sheet-resolve", args=[paper_round.pk, 1])).status_code == 404


# --- the result, sign-off and announcement ---------------------------------------------------


@pytest.fixture
def counted(client, paper_round, scrutineers, staff):
    a, b = signed_in(client, scrutineers[0]), signed_in(type(client)(), scrutineers[1])
    enter_all(a, b, paper_round, FOUR_FOR_ZHANG, FOUR_FOR_ZHANG)
    signed_in(type(client)(), staff).post(reverse("elections:round-count", args=[paper_round.pk]))
    paper_round.refresh_from_db()
    return paper_round


def test_elec_13_the_result_page_shows_the_threshold_on_all_deputies_and_who_is_elected(client, counted, staff):
    page = signed_in(client, staff).get(reverse("elections:round-result", args=[counted.pk])).content.decode()
    assert "Elected:" in page and "张三" in page
    assert "<dd>6</dd>" in page  # all deputies, and ballots issued/returned
    assert "<dd>4</dd>" in page  # a majority of all deputies
    assert "deputies in office" in page
    assert "not signed yet" in page


def test_sec_2_each_scrutineer_signs_and_only_then_staff_announce(client, counted, scrutineers, staff):
    staff_client = signed_in(type(client)(), staff)
    result_url = reverse("elections:round-result", args=[counted.pk])
    assert "Announce the result" not in staff_client.get(result_url).content.decode()
    assert staff_client.post(reverse("elections:round-announce", args=[counted.pk])).status_code == 302
    counted.refresh_from_db()
    assert counted.announced_at is None

    for user in scrutineers:
        scrutineer_client = signed_in(type(client)(), user)
        assert "Sign the result" in scrutineer_client.get(result_url).content.decode()
        assert scrutineer_client.post(reverse("elections:round-sign", args=[counted.pk])).status_code == 302
    assert "Announce the result" in staff_client.get(result_url).content.decode()
    staff_client.post(reverse("elections:round-announce", args=[counted.pk]))
    counted.refresh_from_db()
    assert counted.announced_at is not None
    assert counted.election.status == Election.Status.COMPLETED
    assert "The election is completed." in staff_client.get(result_url).content.decode()


def test_staff_cannot_sign_for_the_scrutineers(client, counted, staff):
    staff_client = signed_in(client, staff)
    staff_client.post(reverse("elections:round-sign", args=[counted.pk]))
    assert not counted.round.scrutineers.filter(signed_at__isnull=False).exists()


def test_a_scrutineer_cannot_announce(client, counted, scrutineers):
    response = signed_in(client, scrutineers[0]).post(reverse("elections:round-announce", args=[counted.pk]))
    assert response.status_code == 403


def test_the_result_waits_for_the_count(client, paper_round, staff):
    response = signed_in(client, staff).get(reverse("elections:round-result", args=[paper_round.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("elections:round-detail", args=[paper_round.pk])


# --- the public announcement -------------------------------------------------------------------


def announce(counted, scrutineers, staff):
    for user in scrutineers:
        balloting.sign_off(by=user, round=counted.round)
    services.announce_result(by=staff, election_round=counted)


def test_the_public_sees_an_announced_result_with_names_and_counts_only(client, counted, scrutineers, staff):
    announce(counted, scrutineers, staff)
    anonymous = type(client)()
    listing = anonymous.get(reverse("elections:results"))
    assert listing.status_code == 200
    assert "张三" in listing.content.decode()
    page = anonymous.get(reverse("elections:result-detail", args=[counted.pk])).content.decode()
    assert "张三" in page and "李四" in page
    for private in ("甲监票", "乙监票", staff.username):
        assert private not in page


def test_an_announced_round_reads_announced_in_the_rounds_tables(client, counted, scrutineers, staff):
    announce(counted, scrutineers, staff)
    staff_client = signed_in(client, staff)
    for url in (
        reverse("elections:election-detail", args=[counted.election_id]),
        reverse("elections:round-detail", args=[counted.pk]),
        reverse("elections:counting"),
    ):
        page = staff_client.get(url).content.decode()
        assert "Announced" in page and " · announced" not in page, url


def test_the_result_states_the_basis_of_all_deputies_in_one_sentence(client, counted, staff):
    page = signed_in(client, staff).get(reverse("elections:round-result", args=[counted.pk])).content.decode()
    assert "Basis: deputies in office." in page


def test_a_result_not_announced_is_not_public(client, counted):
    anonymous = type(client)()
    assert anonymous.get(reverse("elections:result-detail", args=[counted.pk])).status_code == 404
    assert "张三" not in anonymous.get(reverse("elections:results")).content.decode()


def test_written_in_persons_not_elected_are_not_named_in_public(client, paper_round, scrutineers, staff):
    """Only the candidates' names are public; a stray write-in is a total."""
    a, b = signed_in(client, scrutineers[0]), signed_in(type(client)(), scrutineers[1])
    for c in (a, b):
        for number in range(1, 5):
            assert entry(c, paper_round, number, {"张三": "for"}).status_code == 302
        assert entry(c, paper_round, 5, {}, write_ins=["王某某"]).status_code == 302
    signed_in(type(client)(), staff).post(reverse("elections:round-count", args=[paper_round.pk]))
    paper_round.refresh_from_db()
    announce(paper_round, scrutineers, staff)
    page = type(client)().get(reverse("elections:result-detail", args=[paper_round.pk])).content.decode()
    assert "王某某" not in page
    assert "Other persons written in" in page


# --- what comes next -------------------------------------------------------------------------


def test_elec_14_a_tie_offers_the_tie_break_vote(client, session, staff, scrutineers, deputies, everyone_present):
    """Two vice-mayor seats; 甲, 乙 and 丙 have 4 each (all reach 4 of 6): too many for two
    seats, so a tie-break among the three decides (ELEC-14)."""
    election = ElectionFactory(
        session=session, seats=2,
        office=OfficeFactory(congress=session.term.congress, kind=Office.Kind.VICE_MAYOR),
    )
    for name in ("甲", "乙", "丙"):
        NominationFactory(election=election, name=name)
    services.appoint_scrutineer(by=staff, election=election, user=scrutineers[0])
    services.finalise_candidate_list(by=staff, election=election)
    first = election.rounds.get()
    services.open_election_round(by=staff, election_round=first)
    by_label = keys(first)
    pairs = [("甲", "乙"), ("甲", "乙"), ("甲", "丙"), ("甲", "丙"), ("乙", "丙"), ("乙", "丙")]
    for deputy, names in zip(deputies, pairs, strict=True):
        balloting.cast_vote(by=deputy.user, round=first.round, marks={by_label[n]: "for" for n in names})
    balloting.close_round(by=staff, round=first.round)
    services.count_election_round(by=staff, election_round=first)
    balloting.sign_off(by=scrutineers[0], round=first.round)
    services.announce_result(by=staff, election_round=first)

    staff_client = signed_in(client, staff)
    page = staff_client.get(reverse("elections:round-result", args=[first.pk])).content.decode()
    assert "甲、乙、丙 are tied for 2 seats: a new vote among them only decides (ELEC-14)." in page
    assert "Nobody reached a majority of all deputies" not in page  # all three reached it
    assert "ELEC-9" not in page
    assert "Prepare the tie-break vote" in page
    response = staff_client.post(reverse("elections:election-tie-break", args=[election.pk]))
    tie_break = election.rounds.order_by("-number").first()
    assert tie_break.stage == ElectionRound.Stage.TIE_BREAK
    assert response["Location"] == reverse("elections:round-detail", args=[tie_break.pk])


def hold_in_the_room(election_round, staff, scrutineer, deputies, choices):
    """Open, each deputy votes FOR the names in `choices`, close, count, sign, announce."""
    services.open_election_round(by=staff, election_round=election_round)
    by_label = keys(election_round)
    for deputy, names in zip(deputies, choices, strict=False):
        balloting.cast_vote(by=deputy.user, round=election_round.round, marks={by_label[n]: "for" for n in names})
    balloting.close_round(by=staff, round=election_round.round)
    services.count_election_round(by=staff, election_round=election_round)
    balloting.sign_off(by=scrutineer, round=election_round.round)
    services.announce_result(by=staff, election_round=election_round)


@pytest.fixture
def tie_break(session, staff, scrutineers, deputies, everyone_present):
    """Two vice-mayor seats; 甲, 乙 and 丙 reach 4 of 6 each: the tie-break is prepared."""
    election = ElectionFactory(
        session=session, seats=2,
        office=OfficeFactory(congress=session.term.congress, kind=Office.Kind.VICE_MAYOR),
    )
    for name in ("甲", "乙", "丙"):
        NominationFactory(election=election, name=name)
    services.appoint_scrutineer(by=staff, election=election, user=scrutineers[0])
    services.finalise_candidate_list(by=staff, election=election)
    pairs = [("甲", "乙"), ("甲", "乙"), ("甲", "丙"), ("甲", "丙"), ("乙", "丙"), ("乙", "丙")]
    hold_in_the_room(election.rounds.get(), staff, scrutineers[0], deputies, pairs)
    return services.start_tie_break(by=staff, election=election)


def test_elec_14_the_tie_break_winners_are_shown_as_elected_by_most_votes(client, tie_break, staff, scrutineers, deputies):
    """ELEC-14: in the tie-break those with more votes win (甲 3, 乙 2, 丙 1 for two seats),
    though none has a majority of all deputies: the page says elected and why, with no
    "not reached" beside the winners."""
    hold_in_the_room(tie_break, staff, scrutineers[0], deputies, [("甲", "乙"), ("甲", "乙"), ("甲", "丙")])
    page = signed_in(client, staff).get(reverse("elections:round-result", args=[tie_break.pk])).content.decode()
    assert "Elected:" in page and "甲、乙" in page
    assert "no new majority of all deputies is needed (ELEC-14)" in page
    assert "not reached" not in page and "Nobody reached" not in page
    assert "ELEC-9" not in page


def test_elec_14_a_tie_break_that_ties_again_says_so_without_a_majority(client, tie_break, staff, scrutineers, deputies):
    """ELEC-14: 甲, 乙 and 丙 2 each again: another tie-break, and no word of a majority."""
    pairs = [("甲", "乙"), ("乙", "丙"), ("甲", "丙")]
    hold_in_the_room(tie_break, staff, scrutineers[0], deputies, pairs)
    page = signed_in(client, staff).get(reverse("elections:round-result", args=[tie_break.pk])).content.decode()
    assert "甲、乙、丙 are tied for 2 seats: a new vote among them only decides (ELEC-14)." in page
    assert "Nobody reached a majority of all deputies" not in page and "not reached" not in page
    assert "Prepare the tie-break vote" in page


def test_elec_15_seats_left_unfilled_offer_the_runoff(client, counted_nobody, staff):
    staff_client = signed_in(client, staff)
    page = staff_client.get(reverse("elections:round-result", args=[counted_nobody.pk])).content.decode()
    assert "Prepare the run-off" in page
    runoff_url = reverse("elections:election-runoff", args=[counted_nobody.election_id])
    assert staff_client.get(runoff_url).status_code == 200
    listed = counted_nobody.election.candidates.values_list("pk", flat=True)
    response = staff_client.post(runoff_url, {"candidates": [str(pk) for pk in listed]})
    assert response.status_code == 302
    runoff = ElectionRound.objects.filter(election=counted_nobody.election).order_by("-number").first()
    assert runoff.stage == ElectionRound.Stage.RUNOFF
    assert response["Location"] == reverse("elections:round-detail", args=[runoff.pk])


@pytest.fixture
def counted_nobody(client, paper_round, scrutineers, staff):
    """Everyone against both: nobody reaches 4, the seat goes to a run-off, announced."""
    a, b = signed_in(client, scrutineers[0]), signed_in(type(client)(), scrutineers[1])
    sheets = [{"张三": "against", "李四": "against"}] * 3
    enter_all(a, b, paper_round, sheets, sheets)
    services.count_election_round(by=staff, election_round=paper_round)
    announce(paper_round, scrutineers, staff)
    paper_round.refresh_from_db()
    return paper_round


def test_a_runoff_list_the_law_refuses_is_shown_on_the_form(client, counted_nobody, staff):
    staff_client = signed_in(client, staff)
    response = staff_client.post(reverse("elections:election-runoff", args=[counted_nobody.election_id]), {})
    assert response.status_code == 422
    assert "ELEC-15" in response.content.decode()


def test_elec_15_the_runoff_page_lists_candidates_by_votes_and_refuses_one_passed_over(
    client, paper_round, scrutineers, staff
):
    """张三 3 votes, 李四 1 (4 needed): the run-off form lists 张三 first with the votes, and
    taking 李四 alone is refused on the form, naming 张三 (ELEC-15)."""
    a, b = signed_in(client, scrutineers[0]), signed_in(type(client)(), scrutineers[1])
    sheets = [{"张三": "for"}] * 3 + [{"李四": "for"}]
    enter_all(a, b, paper_round, sheets, sheets)
    services.count_election_round(by=staff, election_round=paper_round)
    announce(paper_round, scrutineers, staff)
    staff_client = signed_in(type(client)(), staff)
    runoff_url = reverse("elections:election-runoff", args=[paper_round.election_id])
    page = staff_client.get(runoff_url).content.decode()
    assert page.index("张三: 3 votes") < page.index("李四: 1 vote")
    li = paper_round.election.candidates.get(name="李四")
    response = staff_client.post(runoff_url, {"candidates": [str(li.pk)]})
    assert response.status_code == 422
    assert "张三 received more votes than 李四 and must be taken first" in response.content.decode()
    assert paper_round.election.rounds.count() == 1


def test_elec_9_a_primary_tie_settled_by_lot_from_the_page(client, session, staff, scrutineers, deputies, everyone_present):
    """Mayor, three nominees, a list of two; 乙 and 丙 tie at the cut-off and the session
    breaks primary ties by lot: staff record the draw and the list is fixed."""
    session.parameters = {"primary_tie_rule": "lot"}
    session.save()
    election = ElectionFactory(session=session, office=OfficeFactory(congress=session.term.congress, kind=Office.Kind.MAYOR))
    for name in ("甲", "乙", "丙"):
        NominationFactory(election=election, name=name)
    services.appoint_scrutineer(by=staff, election=election, user=scrutineers[0])
    services.finalise_candidate_list(by=staff, election=election)
    primary = election.rounds.get()
    services.open_election_round(by=staff, election_round=primary)
    by_label = keys(primary)
    pairs = [("甲", "乙")] * 3 + [("甲", "丙")] * 3
    for deputy, names in zip(deputies, pairs, strict=True):
        balloting.cast_vote(by=deputy.user, round=primary.round, marks={by_label[n]: "for" for n in names})
    balloting.close_round(by=staff, round=primary.round)
    services.count_election_round(by=staff, election_round=primary)
    balloting.sign_off(by=scrutineers[0], round=primary.round)
    services.announce_result(by=staff, election_round=primary)

    staff_client = signed_in(client, staff)
    assert "Record the draw" in staff_client.get(reverse("elections:round-result", args=[primary.pk])).content.decode()
    lot_url = reverse("elections:election-settle-by-lot", args=[election.pk])
    page = staff_client.get(lot_url).content.decode()
    assert "乙" in page and "丙" in page and "Choose 1." in page
    assert staff_client.post(lot_url, {}).status_code == 422
    drawn = election.nominations.get(name="丙")
    response = staff_client.post(lot_url, {"nominations": [str(drawn.pk)]})
    assert response.status_code == 302
    assert sorted(election.candidates.values_list("name", flat=True)) == ["丙", "甲"]
