"""Downloads: the printable ballot of a round and the result report the scrutineers sign
(docx, GB/T 9704 layout: elections.documents)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from balloting import rules as ballot_rules
from balloting import selectors as balloting_selectors
from balloting.models import Round
from core.permissions import require, requires

from .. import documents, selectors
from .. import permissions as codes
from ..models import ElectionRound, Scrutineer
from .common import round_for


def _docx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=documents.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _stage(election_round: ElectionRound) -> str:
    return _("%(stage)s, vote %(number)s") % {
        "stage": ElectionRound.Stage(election_round.stage).label,
        "number": election_round.number,
    }


def _names(election_round: ElectionRound) -> tuple[str, str]:
    session = election_round.election.session
    return session.term.congress.name, str(session)


@requires(codes.DESK_VIEW)
def ballot_download(request: HttpRequest, round_id: int) -> HttpResponse:
    """The paper ballot of a round, for printing (ELEC-10)."""
    election_round = round_for(request, round_id)
    require(request.user, codes.DESK_VIEW, election_round.election)
    round_ = election_round.round
    with translation.override(documents.DOCUMENT_LANGUAGE):  # the document's own language
        congress, session = _names(election_round)
        stage = _stage(election_round)
    content = documents.ballot_docx(
        congress=congress,
        session=session,
        office=str(election_round.election.office),
        stage=stage,
        number=election_round.number,
        seats=round_.seats,
        candidates=[o.label for o in balloting_selectors.ballot_options(round_)],
        write_in_lines=0 if round_.write_ins == Round.WriteIns.NONE else round_.seats,
        write_ins_deputies_only=round_.write_ins == Round.WriteIns.DEPUTIES,
        unclear_voids=round_.ambiguous_mark_policy == ballot_rules.VOID_BALLOT,
    )
    return _docx(content, f"ballot-{election_round.election_id}-{election_round.number}.docx")


@requires(codes.SCRUTINISE)
def report_download(request: HttpRequest, round_id: int) -> HttpResponse:
    """The result report of a counted round, with a signature line per scrutineer (SEC-2)."""
    election_round = round_for(request, round_id)
    report = selectors.round_report(request.user, election_round)
    if report is None:
        raise Http404(_("The round has not been counted yet."))
    with translation.override(documents.DOCUMENT_LANGUAGE):  # the document's own language
        roles = {s.user_id: str(s.get_role_display()) for s in election_round.election.scrutineers.all()}
        scrutineers = [
            (s.name, roles.get(s.user_id, str(Scrutineer.Role.MONITOR.label)), s.signed_at)
            for s in balloting_selectors.scrutineers(election_round.round)
        ]
        congress, session = _names(election_round)
        stage = _stage(election_round)
    content = documents.result_report_docx(
        congress=congress,
        session=session,
        office=str(election_round.election.office),
        stage=stage,
        report=report,
        scrutineers=scrutineers,
        counted_at=election_round.round.counted_at,
    )
    return _docx(content, f"result-{election_round.election_id}-{election_round.number}.docx")
