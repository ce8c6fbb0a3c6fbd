import pytest

from balloting.tests.factories import deputies_for, session_today
from core.accounts.roles import Role


@pytest.fixture
def session(db):
    return session_today()


@pytest.fixture
def deputies(session):
    return deputies_for(session, 6)


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)
