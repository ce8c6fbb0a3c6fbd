import pytest

from core.accounts.roles import Role

from .factories import FakeRoll, deputies_for, install_roll, session_today


@pytest.fixture
def session(db):
    return session_today()


@pytest.fixture
def deputies(session):
    return deputies_for(session, 6)


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def counters(make_user):
    """Two counters (计票人) who enter paper ballots."""
    return make_user(Role.STAFF, first_name="甲"), make_user(Role.STAFF, first_name="乙")


@pytest.fixture
def everyone_present(monkeypatch, deputies):
    roll = FakeRoll(len(deputies), deputies)
    install_roll(monkeypatch, roll)
    return roll
