"""Changes to the organisation: checked, audited, and nothing written when refused."""

import datetime

import pytest

from core.accounts.roles import Role
from core.audit.models import AuditEntry
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.organisation import selectors, services
from core.organisation.models import Deputy, HandlingUnit, Term
from core.organisation.tests import factories


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


def _audit(action):
    return list(AuditEntry.objects.filter(action=action))


def test_creating_a_unit_writes_one_audit_entry(city, staff):
    unit = services.create_unit(by=staff, congress=city["congress"], code="A1", name="测试市甲局")
    (entry,) = _audit("unit.create")
    assert entry.actor_id == staff.pk
    assert entry.target_id == str(unit.pk)
    assert entry.after["code"] == "A1"


def test_an_edit_records_what_changed(city, staff):
    unit = factories.HandlingUnitFactory(congress=city["congress"], name="旧名")
    services.update_unit(unit_id=unit.pk, by=staff, name="新名", short_name="")
    (entry,) = _audit("unit.update")
    assert entry.before == {"name": "旧名"} and entry.after == {"name": "新名"}


def test_an_edit_that_changes_nothing_writes_nothing(city, staff):
    unit = factories.HandlingUnitFactory(congress=city["congress"])
    services.update_unit(unit_id=unit.pk, by=staff, name=unit.name)
    assert _audit("unit.update") == []


def test_a_unit_cannot_become_its_own_ancestor(city, staff):
    congress = city["congress"]
    top = factories.HandlingUnitFactory(congress=congress)
    middle = factories.HandlingUnitFactory(congress=congress, parent=top)
    bottom = factories.HandlingUnitFactory(congress=congress, parent=middle)
    with pytest.raises(ValidationFailed) as caught:
        services.update_unit(unit_id=top.pk, by=staff, parent=bottom)
    assert "parent" in caught.value.details
    with pytest.raises(ValidationFailed):
        services.update_unit(unit_id=top.pk, by=staff, parent=top)
    top.refresh_from_db()
    assert top.parent_id is None
    assert _audit("unit.update") == []


def test_a_unit_may_move_under_a_unit_in_another_branch(city, staff):
    congress = city["congress"]
    a, b = factories.HandlingUnitFactory(congress=congress), factories.HandlingUnitFactory(congress=congress)
    child = factories.HandlingUnitFactory(congress=congress, parent=a)
    services.update_unit(unit_id=child.pk, by=staff, parent=b)
    child.refresh_from_db()
    assert child.parent == b


def test_a_unit_with_active_sub_units_cannot_be_deactivated(city, staff):
    parent = factories.HandlingUnitFactory(congress=city["congress"])
    child = factories.HandlingUnitFactory(congress=city["congress"], parent=parent)
    with pytest.raises(InvalidTransition):
        services.deactivate_unit(unit_id=parent.pk, by=staff)
    services.deactivate_unit(unit_id=child.pk, by=staff)
    services.deactivate_unit(unit_id=parent.pk, by=staff)
    assert not HandlingUnit.objects.filter(is_active=True, pk__in=[parent.pk, child.pk]).exists()
    with pytest.raises(InvalidTransition):
        services.reactivate_unit(unit_id=child.pk, by=staff)  # its parent is inactive
    assert len(_audit("unit.deactivate")) == 2


def test_sess_4_a_deputy_leaving_office_no_longer_counts(city, staff):
    term = city["term"]
    deputies = [factories.DeputyFactory(delegation=city["east_delegation"]) for _ in range(3)]
    assert selectors.all_deputies_count(term) == 3
    services.leave_office(deputy_id=deputies[0].pk, by=staff, on=datetime.date(2024, 5, 1), reason="辞职")
    assert selectors.deputies_in_office_count(term) == 2
    assert selectors.all_deputies_count(term) == 2
    (entry,) = _audit("deputy.leave_office")
    assert entry.data == {"reason": "辞职"}
    with pytest.raises(InvalidTransition):
        services.leave_office(deputy_id=deputies[0].pk, by=staff, on=datetime.date(2024, 5, 2))


def test_sess_4_the_elected_basis_counts_every_deputy_of_the_term(city, staff):
    congress = city["congress"]
    services.set_parameter(congress_id=congress.pk, key="all_deputies_basis", value="elected", by=staff)
    deputy = factories.DeputyFactory(delegation=city["east_delegation"])
    services.leave_office(deputy_id=deputy.pk, by=staff, on=datetime.date(2024, 5, 1))
    term = Term.objects.get(pk=city["term"].pk)
    assert selectors.all_deputies_count(term) == 1
    assert selectors.deputies_in_office_count(term) == 0


def test_a_deputy_cannot_leave_before_the_term_began(city, staff):
    deputy = factories.DeputyFactory(delegation=city["east_delegation"])
    with pytest.raises(ValidationFailed):
        services.leave_office(deputy_id=deputy.pk, by=staff, on=datetime.date(2000, 1, 1))
    deputy.refresh_from_db()
    assert deputy.in_office is True


def test_a_departure_recorded_by_mistake_can_be_undone(city, staff):
    deputy = factories.DeputyFactory(delegation=city["east_delegation"])
    services.leave_office(deputy_id=deputy.pk, by=staff, on=datetime.date(2024, 5, 1))
    services.return_to_office(deputy_id=deputy.pk, by=staff)
    deputy.refresh_from_db()
    assert deputy.in_office is True and deputy.left_office_on is None


def test_a_deputy_takes_the_district_of_the_delegation_and_must_share_its_term(city, staff):
    deputy = services.create_deputy(by=staff, term=city["term"], code="9001", name="甲",
                                    delegation=city["west_delegation"])
    assert deputy.district == city["west"]
    other_term = factories.TermFactory(congress=city["congress"], number=10)
    with pytest.raises(ValidationFailed) as caught:
        services.create_deputy(by=staff, term=other_term, code="9002", name="乙", delegation=city["west_delegation"])
    assert "delegation" in caught.value.details


def test_a_deputy_number_is_unique_in_its_term(city, staff):
    services.create_deputy(by=staff, term=city["term"], code="9001", name="甲", delegation=city["west_delegation"])
    with pytest.raises(ValidationFailed):
        services.create_deputy(by=staff, term=city["term"], code="9001", name="乙",
                               delegation=city["east_delegation"])
    assert Deputy.objects.filter(code="9001").count() == 1


def test_elec_2_the_standing_committee_size_is_checked(city, staff):
    with pytest.raises(ValidationFailed) as caught:
        services.save_standing_committee(by=staff, term=city["term"], name="常委会", size=25)
    assert "size" in caught.value.details
    committee = services.save_standing_committee(by=staff, term=city["term"], name="常委会", size=40)
    assert committee.size == 40
    with pytest.raises(ValidationFailed):
        services.update_congress(congress_id=city["congress"].pk, by=staff, level="county")  # 40 > county cap
    # ELEC-2's bigger cap applies only above 8 million people.
    with pytest.raises(ValidationFailed):
        services.save_standing_committee(by=staff, term=city["term"], name="常委会", size=55)
    services.update_congress(congress_id=city["congress"].pk, by=staff, population=9_000_000)
    assert services.save_standing_committee(by=staff, term=city["term"], name="常委会", size=55).size == 55


def test_elec_4_a_parameter_outside_the_law_is_refused_and_nothing_stored(city, staff):
    congress = city["congress"]
    with pytest.raises(ValidationFailed) as caught:
        services.set_parameter(congress_id=congress.pk, key="nomination_min_deputies", value=10, by=staff)
    assert "ELEC-4" in caught.value.details["nomination_min_deputies"]
    congress.refresh_from_db()
    assert congress.parameters == {}
    assert _audit("congress.parameter_set") == []


def test_a_lawful_parameter_is_stored_audited_and_effective(city, staff):
    congress = city["congress"]
    services.set_parameter(congress_id=congress.pk, key="sugg_reply_months", value="2", by=staff)
    congress.refresh_from_db()
    assert selectors.parameters_for(congress)["sugg_reply_months"] == 2
    (entry,) = _audit("congress.parameter_set")
    assert entry.after == {"sugg_reply_months": 2}
    services.set_parameter(congress_id=congress.pk, key="sugg_reply_months", value=None, by=staff)
    congress.refresh_from_db()
    assert selectors.parameters_for(congress)["sugg_reply_months"] == 3


def test_changing_the_level_rechecks_the_stored_parameters(city, staff):
    congress = city["congress"]
    services.update_congress(congress_id=congress.pk, by=staff, level="county", parameters={
        "nomination_min_deputies": 10})
    with pytest.raises(ValidationFailed):
        services.update_congress(congress_id=congress.pk, by=staff, level="city")
    congress.refresh_from_db()
    assert congress.level == "county"


def test_a_session_keeps_to_its_term_and_to_session_rules(city, staff):
    term = city["term"]
    with pytest.raises(ValidationFailed):
        services.create_session(by=staff, term=term, number=1, starts_on=datetime.date(2030, 1, 1),
                                ends_on=datetime.date(2030, 1, 3))
    with pytest.raises(ValidationFailed):
        services.create_session(by=staff, term=term, number=1, starts_on=datetime.date(2024, 1, 1),
                                ends_on=datetime.date(2024, 1, 3), parameters={"margin_deputy_office": 5})
    session = services.create_session(by=staff, term=term, number=1, starts_on=datetime.date(2024, 1, 1),
                                      ends_on=datetime.date(2024, 1, 3), parameters={"vote_method": "paper"})
    assert selectors.parameters_for(term.congress, session)["vote_method"] == "paper"


def test_only_one_term_is_current(city, staff):
    new = services.create_term(by=staff, congress=city["congress"], number=10, starts_on=datetime.date(2027, 1, 2),
                               is_current=True)
    assert list(Term.objects.filter(is_current=True)) == [new]
    services.update_term(term_id=city["term"].pk, by=staff, is_current=True)
    assert list(Term.objects.filter(is_current=True).values_list("pk", flat=True)) == [city["term"].pk]


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_CLERK, Role.CITIZEN, Role.PUBLIC])
def test_services_refuse_roles_that_may_not_edit(city, make_user, role):
    with pytest.raises(NotAllowed):
        services.create_unit(by=make_user(role), congress=city["congress"], code="X", name="X局")
    assert not HandlingUnit.objects.filter(code="X").exists()


def test_stations_keep_their_deputies_and_close(city, staff):
    deputy = factories.DeputyFactory(delegation=city["east_delegation"])
    station = services.create_station(by=staff, congress=city["congress"], name="一号站", district=city["east"],
                                      deputies=[deputy])
    assert list(station.deputies.all()) == [deputy]
    services.set_station_active(station_id=station.pk, by=staff, active=False)
    with pytest.raises(InvalidTransition):
        services.set_station_active(station_id=station.pk, by=staff, active=False)
    assert [e.action for e in AuditEntry.objects.filter(target_id=str(station.pk),
                                                        target_type="organisation.liaisonstation")] == [
        "station.create", "station.deputies_set", "station.deactivate"]


def test_a_district_in_use_is_not_removed(city, staff):
    with pytest.raises(InvalidTransition):
        services.delete_district(district_id=city["east"].pk, by=staff)
    spare = factories.DistrictFactory(congress=city["congress"])
    services.delete_district(district_id=spare.pk, by=staff)
    assert _audit("district.delete")


def test_the_unit_tree_lists_parents_before_their_sub_units(city, staff):
    congress = city["congress"]
    top = factories.HandlingUnitFactory(congress=congress, code="B")
    child = factories.HandlingUnitFactory(congress=congress, code="C", parent=top)
    other = factories.HandlingUnitFactory(congress=congress, code="A")
    tree = selectors.unit_tree(user=staff, congress=congress)
    assert [(n.unit, n.depth) for n in tree] == [(other, 0), (top, 0), (child, 1)]
    assert selectors.unit_ancestors(child) == [top]
    grandchild = factories.HandlingUnitFactory(congress=congress, code="D", parent=child)
    assert selectors.unit_descendant_ids(top) == {child.pk, grandchild.pk}
