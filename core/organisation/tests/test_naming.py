"""Terms and sessions are named in the official word order, from the configured congress:
太原市第十六届人民代表大会第三次会议 (place, 第…届, 人民代表大会, 第…次会议)."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.accounts.roles import Role
from core.organisation import naming
from core.organisation.models import Session
from core.organisation.tests.factories import CongressFactory, SessionFactory, TermFactory


@pytest.mark.parametrize(
    ("number", "numeral"),
    [
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (16, "十六"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (40, "四十"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (115, "一百一十五"),
        (1001, "一千零一"),
        (1010, "一千零一十"),
        (2300, "二千三百"),
    ],
)
def test_chinese_numerals(number, numeral):
    assert naming.chinese_numeral(number) == numeral


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (16, "16th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (111, "111th"),
        (101, "101st"),
    ],
)
def test_english_ordinals(number, text):
    assert naming.english_ordinal(number) == text


@pytest.mark.parametrize(
    ("name", "region", "place"),
    [
        ("太原市人民代表大会", "太原市", "太原市"),
        ("阳高县人民代表大会", "阳高县", "阳高县"),
        ("阳高县人民代表大会", "", "阳高县"),  # no region: split before 人民代表大会
        ("青禾市人民代表大会", "青禾", "青禾"),
    ],
)
def test_place_comes_from_the_configured_congress(name, region, place):
    congress = CongressFactory.build(name=name, region_name=region)
    assert naming.place_and_body(congress)[0] == place
    assert "".join(naming.place_and_body(congress)) == name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "region", "term", "session", "zh_term", "zh_session"),
    [
        (
            "太原市人民代表大会",
            "太原市",
            16,
            3,
            "太原市第十六届人民代表大会",
            "太原市第十六届人民代表大会第三次会议",
        ),
        (
            "阳高县人民代表大会",
            "阳高县",
            18,
            1,
            "阳高县第十八届人民代表大会",
            "阳高县第十八届人民代表大会第一次会议",
        ),
        (
            "测试市人民代表大会",
            "测试市",
            10,
            12,
            "测试市第十届人民代表大会",
            "测试市第十届人民代表大会第十二次会议",
        ),
    ],
)
def test_term_and_session_read_in_the_official_chinese_order(
    name, region, term, session, zh_term, zh_session
):
    congress = CongressFactory(name=name, region_name=region)
    s = SessionFactory(term=TermFactory(congress=congress, number=term), number=session)
    with translation.override("zh-hans"):
        assert str(s.term) == zh_term
        assert str(s) == zh_session


@pytest.mark.django_db
def test_term_and_session_in_english():
    congress = CongressFactory(name="太原市人民代表大会", region_name="太原市")
    s = SessionFactory(term=TermFactory(congress=congress, number=16), number=3)
    with translation.override("en"):
        assert str(s.term) == "16th term of 太原市人民代表大会"
        assert str(s) == "3rd session of the 16th term of 太原市人民代表大会"


@pytest.mark.django_db
def test_an_extraordinary_session_says_so():
    congress = CongressFactory(name="阳高县人民代表大会", region_name="阳高县")
    s = SessionFactory(
        term=TermFactory(congress=congress, number=18), number=4, kind=Session.Kind.EXTRAORDINARY
    )
    with translation.override("zh-hans"):
        assert str(s) == "阳高县第十八届人民代表大会第四次会议（临时会议）"
    with translation.override("en"):
        assert str(s) == "4th session (extraordinary) of the 18th term of 阳高县人民代表大会"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_standing_committee_is_named_as_configured(language):
    from core.organisation.models import StandingCommittee

    term = TermFactory(congress=CongressFactory(name="太原市人民代表大会", region_name="太原市"), number=16)
    committee = StandingCommittee.objects.create(term=term, name="太原市人民代表大会常务委员会")
    with translation.override(language):
        assert str(committee) == "太原市人民代表大会常务委员会"


@pytest.fixture
def current_term(db):
    congress = CongressFactory(name="阳高县人民代表大会", region_name="阳高县")
    term = TermFactory(congress=congress, number=16, is_current=True)
    SessionFactory(term=term, number=3)
    return term


def zh_client(client_for, users, role):
    users[role].language = "zh-hans"
    users[role].save(update_fields=["language"])
    return client_for(role)


def test_staff_desk_names_the_current_term_in_chinese(client_for, users, current_term):
    html = zh_client(client_for, users, Role.STAFF).get("/").content.decode()
    assert "阳高县第十六届人民代表大会" in html
    assert "第16届" not in html


def test_reports_page_names_the_term_and_its_sessions_in_chinese(client_for, users, current_term):
    html = (
        zh_client(client_for, users, Role.STAFF)
        .get(reverse("proposal_documents:report-list"))
        .content.decode()
    )
    assert "编制关于阳高县第十六届人民代表大会的报告" in html
    assert "阳高县第十六届人民代表大会第三次会议" in html


def test_terms_page_heads_each_term_with_its_name(client_for, users, current_term):
    html = zh_client(client_for, users, Role.STAFF).get(reverse("organisation:term-list")).content.decode()
    assert "<h2>阳高县第十六届人民代表大会 · 本届</h2>" in html
