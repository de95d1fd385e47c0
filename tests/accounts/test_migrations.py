"""Accounts that exist when email verification ships keep their reminders and sharing."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_user_time_zone")]
AFTER = [("accounts", "0003_user_email_verification")]


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_are_trusted_new_ones_are_not():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
        old.objects.create(email="old@example.com", full_name="Old Timer", password="x")
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps.get_model("accounts", "User")
        assert new.objects.get(email="old@example.com").email_verified_at is not None
        fresh = new.objects.create(email="new@example.com", full_name="New", password="x")
        assert fresh.email_verified_at is None
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
