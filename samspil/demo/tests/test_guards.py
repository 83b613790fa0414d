"""Demo and benchmark data never reach a real municipality's database: each command refuses first."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samspil.demo import guards, loader
from samspil.organisations.models import Municipality

pytestmark = pytest.mark.django_db


def test_the_demo_is_not_loaded_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("load_demo", verbosity=0)
    assert not Municipality.objects.exists()


def test_the_demo_is_not_loaded_next_to_a_real_municipality(settings):
    settings.DEMO_MODE = True
    Municipality.objects.create(name="Aarhus Kommune", code="751")
    with pytest.raises(CommandError, match=r"holds Aarhus Kommune \(751\)"):
        call_command("load_demo", verbosity=0)
    with pytest.raises(loader.NotADemoDatabase):
        loader.load_demo()  # the loader itself refuses, whoever calls it
    assert list(Municipality.objects.values_list("code", flat=True)) == ["751"]


@pytest.mark.parametrize("command", ["bench", "bench_import"])
def test_the_benchmarks_refuse_a_database_that_is_not_theirs(command):
    with pytest.raises(CommandError, match="starts with 'samspil_bench'"):
        call_command(command, verbosity=0)
    assert not Municipality.objects.exists()


def test_the_benchmark_guard_lets_only_a_postgresql_bench_database_through():
    def database(name, vendor):
        return SimpleNamespace(settings_dict={"NAME": name}, vendor=vendor)

    guards.require_bench_database(database("samspil_bench_import", "postgresql"))  # no error
    with pytest.raises(CommandError, match="measure PostgreSQL"):
        guards.require_bench_database(database("samspil_bench", "sqlite"))
    with pytest.raises(CommandError, match="not 'samspil'"):
        guards.require_bench_database(database("samspil", "postgresql"))
