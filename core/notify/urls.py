from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.read_all, name="read-all"),
    path("<int:notification_id>/read/", views.notification_read, name="notification-read"),
    path("<int:notification_id>/open/", views.notification_open, name="notification-open"),
]
