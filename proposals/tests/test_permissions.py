"""The permission matrix of every suggestion action code, and who sees which suggestion.

One shared setup; allowed and refused cases differ only in who acts."""

import pytest
from django.contrib.auth.models import AnonymousUser

from casework import permissions as case_permissions
from casework.models import Assignment
from core.permissions import has_perm, registered_codes
from proposals import permissions, selectors, services

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

ACTORS = ("staff", "filer", "cosigner", "other_deputy", "lead_clerk", "other_clerk", "citizen", "administrator",
          "anonymous")


@pytest.fixture
def world(city, content):
    filer, cosigner, other = city["deputies"][:3]
    draft = services.create_draft(by=filer.user, subject="草稿中的建议", content=content)
    invitation = services.invite_cosigner(by=filer.user, suggestion=draft, deputy=cosigner)
    handled = services.create_draft(by=filer.user, subject="已交办的建议", content=content)
    services.submit_suggestion(by=filer.user, suggestion=handled)
    handled = services.register_suggestion(by=city["staff"], suggestion=handled)
    services.assign_suggestion(by=city["staff"], suggestion=handled, lead=city["units"][0], now=at("2026-03-31"))
    assignment = Assignment.objects.get(case=handled.case)
    reply = services.reply_to_suggestion(by=city["clerks"][0], assignment=assignment, body="答复", reply_class="A",
                                         letter=pdf(), signed_by="局长", now=at("2026-05-01"))
    submitted = services.create_draft(by=filer.user, subject="已提交的建议", content=content)
    services.submit_suggestion(by=filer.user, suggestion=submitted)
    paper = services.create_draft(by=city["staff"], filed_by=other, subject="纸质建议", content=content)
    actors = {
        "staff": city["staff"],
        "filer": filer.user,
        "cosigner": cosigner.user,
        "other_deputy": other.user,
        "lead_clerk": city["clerks"][0],
        "other_clerk": city["clerks"][1],
        "citizen": city["citizen"],
        "administrator": city["administrator"],
        "anonymous": AnonymousUser(),
    }
    return {
        "actors": actors, "draft": draft, "invitation": invitation, "handled": handled, "case": handled.case,
        "assignment": assignment, "reply": reply, "submitted": submitted, "paper": paper, "filer_deputy": filer,
        "other_deputy_row": other,
    }


MATRIX = [
    ("suggestion.view", "draft", {"filer", "cosigner"}),
    ("suggestion.view", "paper", {"staff", "other_deputy"}),  # entered by staff for other_deputy
    ("suggestion.view", "submitted", {"staff", "filer"}),
    ("suggestion.view", "handled", {"staff", "filer", "lead_clerk"}),
    ("suggestion.view", "case", {"staff", "filer", "lead_clerk"}),
    ("suggestion.create", "filer_deputy", {"staff", "filer"}),
    ("suggestion.edit", "draft", {"filer"}),
    ("suggestion.edit", "paper", {"staff", "other_deputy"}),
    ("suggestion.attach", "draft", {"filer"}),
    ("suggestion.detach", "draft", {"filer"}),
    ("suggestion.submit", "draft", {"filer"}),
    ("cosignature.invite", "draft", {"filer"}),
    ("cosignature.confirm", "invitation", {"cosigner"}),
    ("cosignature.decline", "invitation", {"cosigner"}),
    ("suggestion.withdraw", "submitted", {"staff", "filer"}),
    ("suggestion.withdraw", "case", {"staff", "filer"}),
    ("suggestion.register", "submitted", {"staff"}),
    ("suggestion.decline", "submitted", {"staff"}),
    ("suggestion.convert", None, {"staff"}),
    ("suggestion.categories", None, {"staff"}),
    ("suggestion.report", None, {"staff"}),
    ("suggestion.publish_report", None, {"staff"}),
    ("suggestion.assign", "case", {"staff"}),
    ("suggestion.approve_extension", "assignment", {"staff"}),
    ("suggestion.reply", "assignment", {"lead_clerk"}),
    ("suggestion.rate", "reply", {"staff", "filer"}),
    ("suggestion.rehandle", "case", {"staff"}),
    ("suggestion.close", "case", {"staff"}),
    ("suggestion.supervise", "case", {"staff"}),
    ("suggestion.merge", "case", {"staff"}),
    # A suggestion's history is not re-entered (casework.services.past): nobody.
    ("suggestion.record_past", "case", set()),
]


def test_the_matrix_covers_every_suggestion_code():
    """Every code of proposals/permissions.py and every casework verb of the suggestion kind
    (the pages' and desks' own codes are proved by their tests)."""
    ours = {value for name, value in vars(permissions).items() if name.isupper() and isinstance(value, str)}
    ours |= {f"suggestion.{v}" for v in case_permissions.VERBS}
    assert {code for code, _o, _a in MATRIX} == ours
    assert ours <= set(registered_codes())


@pytest.mark.parametrize(("code", "target", "allowed"), MATRIX, ids=[f"{c}-{t}" for c, t, _a in MATRIX])
@pytest.mark.parametrize("actor", ACTORS)
def test_object_permission(world, code, target, allowed, actor):
    obj = world[target] if target else None
    assert has_perm(world["actors"][actor], code, obj) is (actor in allowed)


def test_administrators_hold_no_suggestion_right(world):
    admin = world["actors"]["administrator"]
    assert not any(has_perm(admin, code) for code, _o, _a in MATRIX)


def test_a_deputy_out_of_office_may_no_longer_file(world):
    deputy = world["filer_deputy"]
    deputy.in_office = False
    deputy.left_office_on = at("2026-06-01").date()
    deputy.save()
    assert not has_perm(world["actors"]["filer"], "suggestion.create")


# --- scoped lists -------------------------------------------------------------------------------


def test_lists_are_scoped(world):
    a = world["actors"]
    assert set(selectors.suggestions_for(a["staff"])) == {world["handled"], world["submitted"], world["paper"]}
    assert set(selectors.suggestions_for(a["filer"])) == {world["draft"], world["handled"], world["submitted"]}
    assert set(selectors.suggestions_for(a["cosigner"])) == {world["draft"]}
    assert set(selectors.suggestions_for(a["other_deputy"])) == {world["paper"]}
    assert list(selectors.suggestions_for(a["lead_clerk"])) == [world["handled"]]
    for who in ("other_clerk", "citizen", "administrator", "anonymous"):
        assert list(selectors.suggestions_for(a[who])) == []


def test_desks(world):
    a = world["actors"]
    assert list(selectors.to_register(a["staff"])) == [world["submitted"]]
    assert list(selectors.to_register(a["filer"])) == []
    assert list(selectors.invitations_for(a["cosigner"])) == [world["invitation"]]
    assert list(selectors.drafts_for(a["filer"])) == [world["draft"]]
    assert [code for code, _label in selectors.exclusion_choices(world["handled"].congress)][:2] == [
        "outside_powers", "personal_matter"]
    assert [c for c, _l in selectors.reply_class_choices(world["handled"].congress)] == ["A", "B", "C", "D"]


def test_one_suggestion_not_visible_is_not_found(world):
    from core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.suggestion_for(world["actors"]["other_clerk"], world["handled"].pk)
    assert selectors.suggestion_for(world["actors"]["lead_clerk"], world["handled"].pk) == world["handled"]


def test_permissions_module_codes_are_registered():
    for name in ("VIEW", "CREATE", "EDIT", "SUBMIT", "WITHDRAW", "REGISTER", "DECLINE", "INVITE", "CONFIRM"):
        assert getattr(permissions, name) in registered_codes()
