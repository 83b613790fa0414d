import pytest


@pytest.fixture
def org(db):
    from samspil.implementation.tests.helpers import Org

    return Org()
