from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "core.notify"
    label = "notify"
