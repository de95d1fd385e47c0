from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "tracker.reminders"
    label = "reminders"
    verbose_name = "Reminders and alerts"
