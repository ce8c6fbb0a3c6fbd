"""A notification is shown in the language its reader reads in now: a citizen who switches
to English sees last week's notices in English, not in the Chinese they were sent in."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, ngettext_lazy, pgettext_lazy

from core.accounts.roles import Role
from core.notify import services, texts
from core.notify.models import Notification

pytestmark = pytest.mark.django_db

NOT_ACCEPTED = gettext_lazy("Your message %(number)s was not accepted")


def switch(user, language):
    user.language = language
    user.save(update_fields=["language"])


def test_the_inbox_shows_a_notice_in_the_language_chosen_after_it_was_sent(client_for, users):
    citizen = users[Role.CITIZEN]
    switch(citizen, "zh-hans")
    services.notify(recipients=[citizen], action="voices.not_accept", title=NOT_ACCEPTED,
                    params={"number": "M2026-000007"}, email=False)
    assert Notification.objects.get(recipient=citizen).title == "您的留言 M2026-000007 不予受理"
    switch(citizen, "en")
    page = client_for(Role.CITIZEN).get(reverse("notify:inbox")).content.decode()
    assert "Your message M2026-000007 was not accepted" in page
    assert "不予受理" not in page


def test_the_api_gives_the_callers_language_of_today(client_for, users):
    deputy = users[Role.DEPUTY]
    switch(deputy, "en")
    services.notify(recipients=[deputy], action="voices.not_accept", title=NOT_ACCEPTED,
                    params={"number": "M2026-000008"}, email=False)
    switch(deputy, "zh-hans")
    rows = client_for(Role.DEPUTY).get("/api/notifications").json()["items"]
    assert [row["title"] for row in rows] == ["您的留言 M2026-000008 不予受理"]


def test_plural_forms_and_translated_params_follow_the_reader():
    plural = ngettext_lazy("%(count)s new message: %(first)s to %(last)s",
                           "%(count)s new messages: %(first)s to %(last)s", "count")
    kept_title = texts.recipe(plural)
    kept_params = texts.params_recipe({"count": 2, "first": "M1", "last": "M2",
                                       "part": pgettext_lazy("section heading", "Handling")})
    with translation.override("en"):
        assert texts.render(kept_title, kept_params) == "2 new messages: M1 to M2"
        assert texts.render({"f": "gettext", "args": ["%(part)s"]}, kept_params) == "Handling"
    with translation.override("zh-hans"):
        assert texts.render(kept_title, kept_params) == "新收到 2 条留言：编号 M1 至 M2"
        assert texts.render({"f": "gettext", "args": ["%(part)s"]}, kept_params) == "办理情况"


def test_plain_text_and_older_rows_stay_as_they_were_sent(users):
    deputy = users[Role.DEPUTY]
    (typed,) = services.notify(recipients=[deputy], action="x.y", title="A note typed by staff",
                               body=NOT_ACCEPTED, params={"number": "M1"}, email=False)
    # An object that is not JSON among the params: nothing can be re-rendered, the text stays.
    (odd,) = services.notify(recipients=[deputy], action="x.y", title=NOT_ACCEPTED,
                             params={"number": object()}, email=False)
    Notification.objects.filter(pk=typed.pk).update(texts=None)
    with translation.override("en"):
        typed.refresh_from_db()
        odd.refresh_from_db()
        assert typed.shown_title == "A note typed by staff"
        assert odd.texts is None and odd.shown_title == odd.title


def test_a_stored_recipe_never_calls_anything_but_a_translation_function():
    assert texts.render({"f": "eval", "args": ["1+1"]}, {}) is None
    assert texts.recipe("plain") is None
