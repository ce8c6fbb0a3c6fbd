import pytest

from core.notify.sms import LocmemSMSBackend


@pytest.fixture(autouse=True)
def sms_outbox():
    LocmemSMSBackend.outbox.clear()
    yield LocmemSMSBackend.outbox
    LocmemSMSBackend.outbox.clear()


@pytest.fixture
def sms_on(settings):
    settings.DATONG_SMS_BACKEND = "core.notify.sms.LocmemSMSBackend"
