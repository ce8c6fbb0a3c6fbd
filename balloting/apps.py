from django.apps import AppConfig


class BallotingConfig(AppConfig):
    name = "balloting"
    label = "balloting"
