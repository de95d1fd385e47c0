"""`make bench`: the performance figures of the README, measured, never guessed.

`python -m tests.bench` (full tier) or `--quick`; see `__main__` for the run and
each module for what its section measures and how:

1. inprocess   pages in-process, warm and cold, with their queries
2. throughput  the pages under HTTP load against gunicorn (load: the load generator)
3. mixed       readers and writers on one large record at once, over HTTP
4. reminders   sendreminders at 10,000 and 100,000 patients
5. lists       the clinician panel's lists on a database of 50,000 patients
6. first_visit the bytes of a first visit to the dashboard

Importing these modules sets nothing up (tests/test_bench.py imports them under
pytest); `scratch` makes the scratch database and environment, `seed` the data.
"""
