import pytest

from balloting.tests.factories import FakeRoll, deputies_for, install_roll, session_today
from core.accounts.roles import Role


@pytest.fixture
def session(db):
    return session_today()


@pytest.fixture
def deputies(session):
    """Six deputies, all present: a majority of all deputies is 4."""
    return deputies_for(session, 6)


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def everyone_present(monkeypatch, deputies):
    roll = FakeRoll(len(deputies), deputies)
    install_roll(monkeypatch, roll)
    return roll
