"""Casework's desks, mounted at /casework/ (namespace "casework")."""

from django.urls import path

from . import views

app_name = "casework"

urlpatterns = [
    path("assignments/", views.assignment_list, name="assignment-list"),
    path("assignments/export.xlsx", views.assignment_export, name="assignment-export"),
    path("late/", views.late_by_unit, name="late-by-unit"),
    path("late/export.xlsx", views.late_by_unit_export, name="late-by-unit-export"),
    path("satisfaction/", views.satisfaction_by_unit, name="satisfaction-by-unit"),
    path("satisfaction/export.xlsx", views.satisfaction_by_unit_export, name="satisfaction-by-unit-export"),
]
