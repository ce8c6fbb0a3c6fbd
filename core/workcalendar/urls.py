from django.urls import path

from . import views

app_name = "workcalendar"
urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("deadline/", views.deadline_calculator, name="deadline"),
    path("holidays/add/", views.holiday_add, name="holiday_add"),
    path("holidays/<int:holiday_id>/edit/", views.holiday_edit, name="holiday_edit"),
    path("holidays/<int:holiday_id>/delete/", views.holiday_delete, name="holiday_delete"),
    path("import/", views.holidays_import, name="import"),
    path("years/<int:year>/complete/", views.year_complete, name="year_complete"),
]
