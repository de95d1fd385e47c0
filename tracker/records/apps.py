from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "tracker.records"
    label = "records"
    verbose_name = "Health record"
