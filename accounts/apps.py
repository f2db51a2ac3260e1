from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People"

    def ready(self):
        from . import adapter, audit, middleware, provider_mfa  # noqa: F401  (connect their signal receivers)
