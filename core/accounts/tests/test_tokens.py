"""API tokens: made on a page or by the API, shown once, usable as Bearer, revocable."""

import pytest
from django.test import Client

from core.accounts import services
from core.accounts.models import ApiToken
from core.accounts.roles import Role
from core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_token_page_shows_the_new_key_once_and_stores_only_its_hash(client_for, users):
    client = client_for(Role.UNIT_CLERK)
    page = client.post("/accounts/tokens/", {"name": "12345 bridge"}).content.decode()
    token = ApiToken.objects.get(user=users[Role.UNIT_CLERK])
    key = page.split('<code class="token-key">')[1].split("</code>")[0]
    assert key.startswith("dt_") and token.key_hash == ApiToken.hash_key(key)
    assert key not in client.get("/accounts/tokens/").content.decode()
    entry = AuditEntry.objects.get(action="api_token.create")
    assert key not in str(entry.data)


def test_token_authenticates_on_the_api(users):
    _token, key = services.create_token(name="script", by=users[Role.STAFF])
    response = bearer(key).get("/api/accounts/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == users[Role.STAFF].username
    assert body["role"] == "staff"
    assert ApiToken.objects.get().last_used_at is not None


def test_me_shows_a_unit_clerks_unit(client_for, users):
    body = client_for(Role.UNIT_CLERK).get("/api/accounts/me").json()
    assert body["handling_unit_id"] == users[Role.UNIT_CLERK].handling_unit_id


def test_revoked_token_is_refused(client_for, users):
    token, key = services.create_token(name="old", by=users[Role.DEPUTY])
    response = client_for(Role.DEPUTY).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert bearer(key).get("/api/accounts/me").status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoke").count() == 1


def test_unknown_token_is_refused():
    assert bearer("dt_not-a-real-token").get("/api/accounts/me").status_code == 401


def test_token_of_a_deactivated_account_is_refused(users):
    _token, key = services.create_token(name="x", by=users[Role.DEPUTY])
    services.deactivate_user(user_id=users[Role.DEPUTY].pk, by=users[Role.STAFF])
    assert bearer(key).get("/api/accounts/me").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_nobody_revokes_someone_elses_token(client_for, users):
    token, key = services.create_token(name="mine", by=users[Role.DEPUTY])
    response = client_for(Role.STAFF).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    api = client_for(Role.STAFF).post(
        f"/api/accounts/tokens/{token.pk}/revoke", content_type="application/json"
    )
    assert api.status_code == 404
    assert bearer(key).get("/api/accounts/me").status_code == 200


def test_tokens_by_the_api(users):
    _token, key = services.create_token(name="bootstrap", by=users[Role.CITIZEN])
    client = bearer(key)
    created = client.post("/api/accounts/tokens", {"name": "second"}, content_type="application/json")
    assert created.status_code == 201
    new_key = created.json()["key"]
    listed = client.get("/api/accounts/tokens").json()
    assert listed["count"] == 2
    assert all("key" not in item for item in listed["items"])
    revoked = client.post(
        f"/api/accounts/tokens/{created.json()['id']}/revoke", content_type="application/json"
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert bearer(new_key).get("/api/accounts/me").status_code == 401


def test_token_name_is_required(client_for):
    response = client_for(Role.CITIZEN).post(
        "/api/accounts/tokens", {"name": ""}, content_type="application/json"
    )
    assert response.status_code == 422


def test_session_api_calls_need_the_csrf_token(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users[Role.CITIZEN])
    assert client.get("/api/accounts/me").status_code == 200
    response = client.post("/api/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_token_calls_need_no_csrf_token(users):
    _token, key = services.create_token(name="ci", by=users[Role.CITIZEN])
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.post("/api/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 201


def test_token_auth_refuses_a_caller_without_the_operations_permission(rf, users):
    """The permission is checked as soon as the caller is known, before any input is read,
    so a refused caller gets 403 and never a validation answer about the payload."""
    from core.apikit import TokenAuth
    from core.errors import NotAllowed

    _token, key = services.create_token(name="t", by=users[Role.CITIZEN])
    request = rf.post("/api/x", HTTP_AUTHORIZATION=f"Bearer {key}")
    with pytest.raises(NotAllowed):
        TokenAuth("accounts.manage")(request)
    assert TokenAuth("accounts.profile")(request) == users[Role.CITIZEN]


def test_a_revoked_token_or_an_inactive_account_is_refused_and_use_is_noted_once_a_minute(users):
    token, key = services.create_token(name="phone", by=users[Role.DEPUTY])
    assert bearer(key).get("/api/accounts/me").status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert bearer(key).get("/api/accounts/me").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # within the minute: no write
    users[Role.DEPUTY].is_active = False
    users[Role.DEPUTY].save(update_fields=["is_active"])
    assert bearer(key).get("/api/accounts/me").status_code == 401
    users[Role.DEPUTY].is_active = True
    users[Role.DEPUTY].save(update_fields=["is_active"])
    services.revoke_token(token_id=token.pk, by=users[Role.DEPUTY])
    assert bearer(key).get("/api/accounts/me").status_code == 401
    assert bearer(key + "x").get("/api/accounts/me").status_code == 401


# --- who a token belongs to, kept per process for a few seconds (core.apikit._TOKENS) ------------


def test_a_token_in_use_is_read_once_every_few_seconds(users, monkeypatch):
    from core import processcache, rawrows

    now = [1000.0]
    monkeypatch.setattr(processcache.time, "monotonic", lambda: now[0])
    statements = []
    execute = rawrows.execute
    monkeypatch.setattr(rawrows, "execute", lambda sql, params: statements.append(sql) or execute(sql, params))

    def token_reads(key: str) -> int:
        statements.clear()
        assert bearer(key).get("/api/accounts/me").status_code == 200
        return sum(sql.startswith("SELECT") and ApiToken._meta.db_table in sql for sql in statements)

    _token, key = services.create_token(name="12345 bridge", by=users[Role.STAFF])
    assert token_reads(key) == 1
    assert token_reads(key) == 0  # the same process, within the seconds: no query
    now[0] += 6
    assert token_reads(key) == 1


def test_a_token_revoked_here_is_refused_at_once_and_one_revoked_elsewhere_within_seconds(users, monkeypatch):
    from django.utils import timezone

    from core import processcache

    now = [1000.0]
    monkeypatch.setattr(processcache.time, "monotonic", lambda: now[0])
    token, key = services.create_token(name="phone", by=users[Role.DEPUTY])
    assert bearer(key).get("/api/accounts/me").status_code == 200
    services.revoke_token(token_id=token.pk, by=users[Role.DEPUTY])
    assert bearer(key).get("/api/accounts/me").status_code == 401

    other, other_key = services.create_token(name="tablet", by=users[Role.DEPUTY])
    assert bearer(other_key).get("/api/accounts/me").status_code == 200
    # Another server process revokes it: no signal reaches this one.
    ApiToken.objects.filter(pk=other.pk).update(revoked_at=timezone.now())
    now[0] += 4
    assert bearer(other_key).get("/api/accounts/me").status_code == 200
    now[0] += 2
    assert bearer(other_key).get("/api/accounts/me").status_code == 401
