from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "tracker.learn"
    label = "learn"
    verbose_name = "Learn: plain-language pages and the rule book"
