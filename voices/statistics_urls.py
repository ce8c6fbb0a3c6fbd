""""What people worry about most", mounted at /voices/statistics/ (namespace voices_statistics)."""

from django.urls import path

from . import views_statistics as views

app_name = "voices_statistics"

urlpatterns = [
    path("", views.statistics_page, name="overview"),
    path("charts/<slug:chart>.json", views.statistics_chart, name="chart"),
    path("topics/", views.topics_page, name="topics"),
]
