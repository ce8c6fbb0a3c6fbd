from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.index, name="index"),
    path("failures/<int:pk>/", views.failure_detail, name="failure-detail"),
    path("failures/<int:pk>/retry", views.failure_retry, name="failure-retry"),
    path("progress/<str:key>/", views.progress, name="progress"),
]
