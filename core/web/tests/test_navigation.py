"""The menu offers only pages the user may open, and skips pages that do not exist yet."""

import pytest

from core.accounts.roles import Role
from core.web import navigation
from core.web.navigation import NavEntry

pytestmark = [pytest.mark.django_db, pytest.mark.urls("core.web.tests.urls")]


@pytest.fixture
def test_entries():
    """Entries pointing at the test pages; removed again afterwards."""
    added = [
        NavEntry("t-admins", "Administrators' page", "navtest:administrators-only"),
        NavEntry("t-open", "Open page", "navtest:open"),
        NavEntry("t-missing", "Not written yet", "navtest:does-not-exist"),
        NavEntry("t-inbox", "Test inbox", "navtest:open", badge=navigation.UNREAD),
    ]
    for entry in added:
        navigation.register(entry)
    yield
    for entry in added:
        navigation._ENTRIES.pop(entry.key)


def nav_keys(client):
    response = client.get("/")
    return [item.key for item in response.context["shell"].nav]


def test_entry_follows_the_permission_its_page_declares(client_for, users, test_entries):
    assert "t-admins" in nav_keys(client_for(Role.ADMINISTRATOR))
    assert "t-admins" not in nav_keys(client_for(Role.CITIZEN))
    assert "t-admins" not in nav_keys(client_for(None))


def test_open_page_is_offered_to_everyone(client_for, users, test_entries):
    for role in [None, *Role.values]:
        assert "t-open" in nav_keys(client_for(role))


def test_entry_whose_page_does_not_exist_yet_is_skipped(client_for, users, test_entries):
    response = client_for(Role.ADMINISTRATOR).get("/")
    assert response.status_code == 200
    assert "t-missing" not in [item.key for item in response.context["shell"].nav]
    assert "Not written yet" not in response.content.decode()


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_admin_site_link_only_for_administrators(client_for, users, role):
    assert 'href="/admin/"' not in client_for(role).get("/").content.decode()


def test_administrator_sees_the_admin_site_link_in_the_menu(client_for, users):
    assert "admin" in nav_keys(client_for(Role.ADMINISTRATOR))


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.CITIZEN, False), (Role.DEPUTY, False), (Role.STAFF, True), (Role.ADMINISTRATOR, True)],
)
def test_audit_log_link_follows_the_audit_permission(client_for, users, role, shown):
    """The entry carries no code of its own: it shows exactly to those the audit page lets in."""
    html = client_for(role).get("/").content.decode()
    assert ('href="/audit/"' in html) is shown


def test_entry_with_an_explicit_code_is_refused_when_the_code_refuses(client_for, users):
    navigation.register(NavEntry("t-audit", "Audit", "navtest:open", permission="audit.view"))
    try:
        assert "t-audit" not in nav_keys(client_for(Role.CITIZEN))
        assert "t-audit" in nav_keys(client_for(Role.STAFF))
    finally:
        navigation._ENTRIES.pop("t-audit")


def test_current_page_is_marked_for_screen_readers(client_for, users, test_entries):
    html = client_for(Role.CITIZEN).get("/").content.decode()
    assert 'href="/" aria-current="page"' in html


def test_unread_badge_shows_the_count(client_for, users, test_entries, monkeypatch):
    monkeypatch.setattr("core.web.selectors.unread_count", lambda user: 3)
    html = client_for(Role.DEPUTY).get("/").content.decode()
    assert '<span class="badge">3<span class="visually-hidden">' in html


def test_unknown_menu_entries_never_break_a_page(client_for, users):
    navigation.register(NavEntry("t-nothing", "Nothing", "no-such-namespace:page"))
    try:
        assert client_for(Role.STAFF).get("/").status_code == 200
    finally:
        navigation._ENTRIES.pop("t-nothing")


def test_visitor_menu_only_for_visitors_and_user_menu_only_for_signed_in(client_for, users, rf):
    from django.contrib.auth.models import AnonymousUser

    navigation.register(NavEntry("t-visitor", "Visitor", "navtest:open", menu=navigation.VISITOR))
    navigation.register(NavEntry("t-user", "User", "navtest:open", menu=navigation.USER))
    try:
        request = rf.get("/")
        request.user = AnonymousUser()
        assert "t-visitor" in [i.key for i in navigation.visible(request, navigation.VISITOR)]
        assert navigation.visible(request, navigation.USER) == []
        request.user = users[Role.CITIZEN]
        assert navigation.visible(request, navigation.VISITOR) == []
        assert "t-user" in [i.key for i in navigation.visible(request, navigation.USER)]
    finally:
        navigation._ENTRIES.pop("t-visitor")
        navigation._ENTRIES.pop("t-user")
