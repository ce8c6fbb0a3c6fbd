"""The language switch: a cookie for visitors, the saved preference for signed-in users."""

import pytest
from django.conf import settings

from core.accounts.roles import Role
from core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_visitor_switches_to_english_and_back(client):
    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/language/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_signed_in_user_choice_is_saved_on_the_account_and_audited(client_for, users):
    users[Role.DEPUTY].language = "zh-hans"  # the model's default; test accounts use English
    users[Role.DEPUTY].save(update_fields=["language"])
    client = client_for(Role.DEPUTY)
    client.post("/language/", {"language": "en", "next": "/"})
    users[Role.DEPUTY].refresh_from_db()
    assert users[Role.DEPUTY].language == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    # The change goes through accounts' one language service, which audits it.
    entry = AuditEntry.objects.get(target_id=str(users[Role.DEPUTY].pk), after__language="en")
    assert entry.before == {"language": "zh-hans"}


def test_a_language_chosen_before_signing_in_is_kept_after(client, users):
    users[Role.STAFF].language = "zh-hans"
    users[Role.STAFF].set_password("pw-for-the-test-2026")
    users[Role.STAFF].save(update_fields=["language", "password"])
    client.post("/language/", {"language": "en", "next": "/accounts/login/"})
    response = client.post("/accounts/login/", {"username": users[Role.STAFF].username,
                                                "password": "pw-for-the-test-2026"}, follow=True)
    assert '<html lang="en">' in response.content.decode()
    users[Role.STAFF].refresh_from_db()
    assert users[Role.STAFF].language == "en"


def test_signing_in_without_choosing_keeps_the_accounts_language(client, users):
    users[Role.STAFF].language = "zh-hans"
    users[Role.STAFF].set_password("pw-for-the-test-2026")
    users[Role.STAFF].save(update_fields=["language", "password"])
    response = client.post("/accounts/login/", {"username": users[Role.STAFF].username,
                                                "password": "pw-for-the-test-2026"}, follow=True)
    assert '<html lang="zh-hans">' in response.content.decode()


def test_choosing_the_same_language_writes_no_audit_entry(client_for, users):
    client_for(Role.CITIZEN).post("/language/", {"language": users[Role.CITIZEN].language, "next": "/"})
    assert not AuditEntry.objects.filter(after__language__isnull=False).exists()


def test_unknown_language_is_refused(client):
    response = client.post("/language/", {"language": "fr", "next": "/"})
    assert response.status_code == 400


def test_switch_never_redirects_to_another_site(client):
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_switch_only_by_post(client):
    assert client.get("/language/?language=en").status_code == 405


def test_switch_needs_the_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/language/", {"language": "en"})
    assert response.status_code == 403
