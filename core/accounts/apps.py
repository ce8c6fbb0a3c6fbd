from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "core.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from core.apikit import forget_tokens

        from . import permissions  # noqa: F401  (registers the accounts.* codes)
        from .models import ApiToken

        # A token revoked or an account changed in this process is seen at once by the API.
        for model in (ApiToken, get_user_model()):
            for signal in (post_save, post_delete):
                signal.connect(forget_tokens, sender=model, dispatch_uid=f"api-tokens-{model.__name__}")
