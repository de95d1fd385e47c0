"""The settings `make bench` runs the app with, in its own process and in gunicorn's.

Production's settings (DEBUG off, hashed static files with their compressed copies)
read from the environment that `tests.bench.__main__` sets, with the changes that
only a benchmark needs: the scratch database and static folder, emails rendered
but not sent, sign-ins not logged, and a cache key prefix of this run's own, so that a shared cache
(Redis) never answers one run with what an earlier run of the same ids stored.
"""

import os

import tracker.settings as production
from tracker.settings import *  # noqa: F403

RUN = os.environ.get("BENCH_RUN_ID", "bench")

STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", production.STATIC_ROOT)
# Rendered (the cost of building each email is measured), handed to nobody.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# django-axes logs every sign-in at INFO; the bench signs in a hundred sessions.
LOGGING = {
    **production.LOGGING,
    "loggers": {**production.LOGGING["loggers"], "axes": {"level": "WARNING"}},
}
CACHES = {
    alias: {**config, "KEY_PREFIX": f"{RUN}:{config.get('KEY_PREFIX', '')}"}
    for alias, config in getattr(
        production,
        "CACHES",
        {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    ).items()
}
