"""The deadline calculator's sentence counts its unit ("1 calendar day", "15 个工作日") and its
error list uses the language's colon."""

import pytest
from django.urls import reverse

from core.accounts.roles import Role

pytestmark = pytest.mark.django_db


def result_of(client_for, users, language, **query):
    users[Role.STAFF].language = language
    users[Role.STAFF].save(update_fields=["language"])
    html = client_for(Role.STAFF).get(reverse("workcalendar:deadline"), query).content.decode()
    return html.split('id="deadline-result"')[1]


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        ({"days": "1"}, "2026-07-01 plus 1 calendar day:"),
        ({"days": "2"}, "2026-07-01 plus 2 calendar days:"),
        ({"working_days": "1"}, "2026-07-01 plus 1 working day:"),
        ({"working_days": "15"}, "2026-07-01 plus 15 working days:"),
        ({"months": "1"}, "2026-07-01 plus 1 month:"),
        ({"months": "3"}, "2026-07-01 plus 3 months:"),
    ],
)
def test_the_unit_agrees_with_the_number_in_english(client_for, users, query, sentence):
    assert sentence in result_of(client_for, users, "en", **{"from": "2026-07-01", **query})


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        ({"days": "1"}, "2026-07-01 后 1 个自然日："),
        ({"working_days": "15"}, "2026-07-01 后 15 个工作日："),
        ({"months": "3"}, "2026-07-01 后 3 个月："),
    ],
)
def test_the_unit_takes_its_measure_word_in_chinese(client_for, users, query, sentence):
    assert sentence in result_of(client_for, users, "zh-hans", **{"from": "2026-07-01", **query})


def test_field_errors_use_the_full_width_colon_in_chinese(client_for, users):
    result = result_of(client_for, users, "zh-hans", **{"from": "2026-07-01", "days": "x"})
    assert "<li>自然日数：请输入整数。</li>" in result
    assert "自然日数:" not in result


def test_field_errors_use_the_colon_in_english(client_for, users):
    result = result_of(client_for, users, "en", **{"from": "2026-07-01", "days": "x"})
    assert "<li>Calendar days: " in result
