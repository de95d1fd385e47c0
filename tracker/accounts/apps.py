from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tracker.accounts"
    label = "accounts"
    verbose_name = "Accounts, sharing and audit"

    def ready(self) -> None:
        from tracker import checks  # noqa: F401  (deployment checks register themselves)
        from tracker.accounts import signals  # noqa: F401  (login audit receivers)
