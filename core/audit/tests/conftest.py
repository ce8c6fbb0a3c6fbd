import pytest


@pytest.fixture
def audit_api():
    """The audit API's prefix (mounted in config/api.py)."""
    return "/api/audit"
