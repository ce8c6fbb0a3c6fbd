"""Project-wide fixtures: one user per role, and clients signed in as each."""

import os

import pytest
from hypothesis import settings

from core.accounts.roles import Role

# CI (CI_STRICT=1) runs the property tests on a fixed set of examples, so a run on a clean
# clone says the same as the run before it; locally they keep exploring new examples.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI_STRICT"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _no_cached_reads():
    """Each test starts without the current congress or API tokens a previous test cached."""
    from core.apikit import forget_tokens
    from core.organisation.selectors import forget_current_congress

    forget_current_congress()
    forget_tokens()
    yield
    forget_current_congress()
    forget_tokens()


@pytest.fixture
def make_user(db):
    from core.accounts.tests.factories import UserFactory

    def make(role: str = Role.CITIZEN, **kwargs):
        kwargs.setdefault("username", f"{role}-{UserFactory._meta.model.objects.count()}")
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def users(make_user):
    """One active account per role, keyed by role."""
    return {role: make_user(role, username=f"the-{role}") for role in Role.values}


@pytest.fixture
def client_for(client, users):
    """A test client signed in as the given role (None: anonymous)."""
    from django.test import Client

    def make(role: str | None):
        c = Client()
        if role is not None:
            c.force_login(users[role])
        return c

    return make
