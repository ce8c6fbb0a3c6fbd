"""Districts are listed in the official order everywhere a list of them is offered."""

import pytest

from core.organisation.models import District
from core.organisation.tests.factories import CongressFactory, DistrictFactory

pytestmark = pytest.mark.django_db


def test_districts_by_division_code_then_those_without_one_in_the_order_entered():
    congress = CongressFactory()
    for name, code in (("城中区", "999913"), ("北山县", ""), ("城东区", "999912"), ("南河县", ""), ("西岭县", "")):
        DistrictFactory(congress=congress, name=name, code=code)
    # A blank code sorted first used to put every county before the districts.
    assert [d.name for d in District.objects.filter(congress=congress)] == ["城东区", "城中区", "北山县", "南河县", "西岭县"]
