"""Fixtures for the organisation tests: a small invented city (测试市) and xlsx uploads."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.documents import write_xlsx
from core.organisation import rosters
from core.organisation.tests import factories


@pytest.fixture
def city(db):
    """A congress with a current term, two districts and their delegations, and a unit."""
    congress = factories.CongressFactory()
    term = factories.TermFactory(congress=congress, number=9, is_current=True,
                                 starts_on=datetime.date(2022, 1, 1), ends_on=datetime.date(2027, 1, 1))
    east = factories.DistrictFactory(congress=congress, name="东区", code="999901")
    west = factories.DistrictFactory(congress=congress, name="西区", code="999902")
    return {
        "congress": congress,
        "term": term,
        "east": east,
        "west": west,
        "east_delegation": factories.DelegationFactory(term=term, district=east, name="东区代表团"),
        "west_delegation": factories.DelegationFactory(term=term, district=west, name="西区代表团"),
    }


def xlsx_upload(kind: str, rows, *, name: str = "roster.xlsx", headers=None) -> SimpleUploadedFile:
    headers = headers or [c.header for c in rosters.COLUMNS[kind]]
    return SimpleUploadedFile(name, write_xlsx(headers, rows), content_type="application/octet-stream")


@pytest.fixture
def upload():
    return xlsx_upload
