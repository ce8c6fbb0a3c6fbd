"""A deputy's own record on their home page, in the deputy's language."""

import pytest
from django.test import Client

from core.accounts.roles import Role
from core.accounts.tests.factories import UserFactory
from core.organisation.tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db


def test_the_record_labels_the_deputy_s_name_as_a_person_s_name():
    """姓名 (a person's name), not 名称 (the name of a thing)."""
    user = UserFactory(role=Role.DEPUTY, language="zh-hans")
    DeputyFactory(user=user, name="张三")
    client = Client()
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "<dt>姓名</dt><dd>张三</dd>" in page
    assert "<dt>名称</dt>" not in page
