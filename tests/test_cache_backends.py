"""The cache (issue 13): local memory in one process, Redis when REDIS_URL (or
CACHE_URL) says so; keys that keep deployments and releases apart; and the dashboard's
picture shared through Redis by every process that serves it.

The tests that need Redis skip with the reason when none answers, and fail in CI.
"""

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from django.utils import timezone

from tests.records.factories import make_course, settle
from tests.services import TEST_REDIS_URL, redis_or_skip
from tests.test_deploy import settings_under
from tracker.clinical.version import RULES_VERSION
from tracker.dashboard.picture import cache_key

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"


def test_one_process_keeps_a_local_memory_cache_of_thousands_of_entries():
    default = settings_under()["CACHES"]["default"]
    assert default["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    # 300 (Django's default) held 37 dashboards; 5,000 hold about 600.
    assert default["OPTIONS"]["MAX_ENTRIES"] == 5_000
    assert settings_under(CACHE_MAX_ENTRIES="20000")["CACHES"]["default"]["OPTIONS"] == {
        "MAX_ENTRIES": 20_000
    }


@pytest.mark.parametrize("variable", ["REDIS_URL", "CACHE_URL"])
def test_redis_url_switches_to_djangos_redis_backend(variable):
    default = settings_under(**{variable: "redis://cache.internal:6379/2"})["CACHES"]["default"]
    assert default["BACKEND"] == REDIS_BACKEND
    assert default["LOCATION"] == "redis://cache.internal:6379/2"
    assert default["KEY_PREFIX"].startswith("bonetrack-")
    assert len(default["VERSION"]) == 12  # the release's fingerprint
    assert default["OPTIONS"] == {"socket_connect_timeout": 2, "socket_timeout": 2}


def test_a_cache_url_that_is_not_redis_stops_the_start():
    assert "must be a Redis URL" in settings_under(CACHE_URL="memcached://x:11211")["error"]


def test_servers_of_one_deployment_share_keys_and_deployments_do_not():
    """The key prefix comes from the database the deployment uses (never its password),
    the version from the release's files: two app servers of one deployment and
    release agree; staging and production on one Redis never meet."""
    redis = "redis://127.0.0.1:6379/5"
    production = "postgres://app:secret@db.example.org:5432/bonetrack"

    def key_parts(database_url: str) -> tuple[str, str]:
        default = settings_under(REDIS_URL=redis, DATABASE_URL=database_url)["CACHES"]["default"]
        return default["KEY_PREFIX"], default["VERSION"]

    first, second = key_parts(production), key_parts(production)
    assert first == second
    assert "secret" not in first[0]
    staging = key_parts("postgres://app:secret@db.example.org:5432/bonetrack_staging")
    assert staging[0] != first[0] and staging[1] == first[1]
    chosen = settings_under(REDIS_URL=redis, CACHE_KEY_PREFIX="clinic-a", CACHE_VERSION="r42")[
        "CACHES"
    ]["default"]
    assert (chosen["KEY_PREFIX"], chosen["VERSION"]) == ("clinic-a", "r42")


def test_every_cache_key_names_the_patient_and_the_record_version(patient):
    """What the cache holds about a patient is keyed by rules version, patient, record
    version and day: it can never be shown for another patient, an older record or
    under older rules."""
    today = timezone.localdate()
    rules = RULES_VERSION
    assert cache_key(patient, today) == f"dashboard:{rules}:{patient.pk}:0:{today.isoformat()}"
    settle(patient)
    patient.refresh_from_db()
    assert cache_key(patient, today).startswith(f"dashboard:{rules}:{patient.pk}:1:")


# ------------------------------------------------------------------ against Redis


@pytest.fixture
def redis_cache(settings):
    """The default cache on the test Redis, under a prefix of this test's own; its keys
    are deleted afterwards (nothing else on that Redis is touched)."""
    client = redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": prefix,
            "VERSION": "release-1",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def another_process(prefix: str, version: str = "release-1") -> RedisCache:
    """The cache as a second app server sees it: its own client, its own connections."""
    return RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": prefix, "VERSION": version})


def test_redis_cache_does_what_the_app_asks_of_it(redis_cache):
    client, prefix = redis_cache
    assert cache.add("verification-sent:1", True, 60)  # "send it again" pauses
    assert not another_process(prefix).add("verification-sent:1", True, 60)
    cache.set("dashboard:1:3:2026-11-21", {"assessment": ["alert"]}, 60)
    assert another_process(prefix).get("dashboard:1:3:2026-11-21") == {"assessment": ["alert"]}
    assert another_process(prefix, version="release-2").get("dashboard:1:3:2026-11-21") is None
    assert another_process("another-deployment").get("dashboard:1:3:2026-11-21") is None
    assert 55 <= client.ttl(f"{prefix}:release-1:dashboard:1:3:2026-11-21") <= 60


def test_dashboard_picture_is_shared_through_redis_and_follows_changes(
    client, patient, redis_cache
):
    """What one app server renders, the next serves warm; a change (a new record
    version) is seen at once by every server."""
    redis, prefix = redis_cache
    client.force_login(patient.user)
    url = reverse("dashboard:patient", args=[patient.pk])
    assert "No osteoporosis drug" in client.get(url).content.decode()
    patient.refresh_from_db()
    key = cache_key(patient, timezone.localdate())
    assert another_process(prefix).get(key) is not None  # the light picture
    fragments = {k for k in redis.scan_iter(match=f"{prefix}:*") if b"template.cache" in k}
    assert len(fragments) >= 5  # headline, add, bone density, medicine, exercise, height

    make_course(patient, "alendronate", timezone.localdate() - dt.timedelta(days=30))
    settle(patient)  # the one write path: a new record version
    assert "No osteoporosis drug" not in client.get(url).content.decode()
    patient.refresh_from_db()
    assert cache_key(patient, timezone.localdate()) != key
    assert another_process(prefix).get(cache_key(patient, timezone.localdate())) is not None


def test_warm_dashboard_from_redis_costs_what_a_warm_local_one_does(
    client, patient, redis_cache, django_assert_max_num_queries
):
    """A process that never rendered this dashboard serves it from what another left
    in Redis: the warm budget (tests/dashboard/test_views.py), not the cold one."""
    client.force_login(patient.user)
    url = reverse("dashboard:patient", args=[patient.pk])
    client.get(url)
    from django.core.cache import caches

    caches["default"].close()  # as a new process: new connections (Redis keeps the rest)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
