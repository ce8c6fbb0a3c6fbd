from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "core.workcalendar"
    label = "workcalendar"
