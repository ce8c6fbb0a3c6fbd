from django.apps import AppConfig


class PlenaryConfig(AppConfig):
    name = "plenary"
    label = "plenary"
