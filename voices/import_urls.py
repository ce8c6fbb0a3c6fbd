"""The work-order import, mounted at /voices/import/ (namespace voices_import)."""

from django.urls import path

from . import views_import as views

app_name = "voices_import"

urlpatterns = [
    path("", views.work_order_import, name="upload"),
    path("template.xlsx", views.work_order_template, name="template"),
    path("<slug:upload_id>/", views.work_order_import_result, name="result"),
    path("<slug:upload_id>/continue", views.work_order_import_continue, name="continue"),
]
