"""The permission matrix of every casework action code, at the door and on the object.

One shared setup; allowed and refused cases differ only in who acts."""

import pytest
from django.contrib.auth.models import AnonymousUser

from casework import permissions, rules, services
from casework.models import Assignment
from core.permissions import has_perm, registered_codes

from .conftest import at, pdf

pytestmark = pytest.mark.django_db

ACTORS = ("staff", "lead_clerk", "assisting_clerk", "other_clerk", "filer", "outsider", "deputy",
          "administrator", "public", "anonymous")


@pytest.fixture
def world(open_case, people, units):
    case = open_case()
    services.assign_case(by=people["staff"], case=case, lead=units[0], assisting=[units[1]], now=at("2026-03-31"))
    lead = Assignment.objects.get(case=case, role=rules.LEAD)
    assisting = Assignment.objects.get(case=case, role=rules.ASSISTING)
    answer = services.submit_reply(by=people["clerks"][0], assignment=lead, body="已办", reply_class="A",
                                   letter=pdf(), signed_by="局长", now=at("2026-05-01"))
    actors = {
        "staff": people["staff"],
        "lead_clerk": people["clerks"][0],
        "assisting_clerk": people["clerks"][1],
        "other_clerk": people["clerks"][2],
        "filer": people["filer"],
        "outsider": people["outsider"],
        "deputy": people["deputy"],
        "administrator": people["administrator"],
        "public": people["public"],
        "anonymous": AnonymousUser(),
    }
    return {"actors": actors, "case": case, "lead": lead, "assisting": assisting, "reply": answer}


# code, object, who may (every other actor is refused)
MATRIX = [
    ("view", "case", {"staff", "lead_clerk", "assisting_clerk", "filer"}),
    ("assign", "case", {"staff"}),
    ("approve_extension", "lead", {"staff"}),
    ("reply", "lead", {"lead_clerk"}),
    ("reply", "assisting", {"assisting_clerk"}),
    ("rate", "reply", {"staff", "filer"}),
    ("rehandle", "case", {"staff"}),
    ("close", "case", {"staff"}),
    ("supervise", "case", {"staff"}),
    ("merge", "case", {"staff"}),
    ("withdraw", "case", {"staff", "filer"}),
    ("record_past", "case", {"staff"}),
]

# At the door (no object yet): which roles may try.
DOOR = {
    "view": {"staff", "lead_clerk", "assisting_clerk", "other_clerk", "filer", "outsider", "deputy"},
    "assign": {"staff"},
    "approve_extension": {"staff", "lead_clerk", "assisting_clerk", "other_clerk"},
    "reply": {"lead_clerk", "assisting_clerk", "other_clerk"},
    "rate": {"staff", "filer", "outsider", "deputy"},
    "rehandle": {"staff"},
    "close": {"staff"},
    "supervise": {"staff"},
    "merge": {"staff"},
    "withdraw": {"staff", "filer", "outsider", "deputy"},
    "record_past": {"staff"},
}


def test_the_matrix_covers_every_casework_verb():
    assert {verb for verb, _o, _a in MATRIX} == set(permissions.VERBS) == set(DOOR)
    assert {f"drill.{verb}" for verb in permissions.VERBS} <= set(registered_codes())


@pytest.mark.parametrize(("verb", "target", "allowed"), MATRIX, ids=[f"{v}-{t}" for v, t, _a in MATRIX])
@pytest.mark.parametrize("actor", ACTORS)
def test_object_permission(world, verb, target, allowed, actor):
    assert has_perm(world["actors"][actor], f"drill.{verb}", world[target]) is (actor in allowed)


@pytest.mark.parametrize("verb", sorted(DOOR))
@pytest.mark.parametrize("actor", ACTORS)
def test_door_permission(world, verb, actor):
    assert has_perm(world["actors"][actor], f"drill.{verb}") is (actor in DOOR[verb])


def test_a_deactivated_clerk_may_not_reply(world):
    clerk = world["actors"]["lead_clerk"]
    clerk.is_active = False
    assert not has_perm(clerk, "drill.reply", world["lead"])


def test_administrators_act_on_no_case(world):
    admin = world["actors"]["administrator"]
    assert not any(has_perm(admin, f"drill.{verb}", world["case"]) for verb in permissions.VERBS)
