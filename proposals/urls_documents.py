"""Documents of suggestions, mounted at /proposals/documents/ (namespace proposal_documents)."""

from django.urls import path

from . import views_documents as views
from .views_public import published_report_list

app_name = "proposal_documents"

urlpatterns = [
    path("import/", views.suggestion_import, name="suggestion-import"),
    path("import/template.xlsx", views.suggestion_import_template, name="suggestion-import-template"),
    path("import/<slug:upload_id>/", views.suggestion_import_result, name="suggestion-import-result"),
    path("replies/<int:reply_id>/letter.docx", views.reply_letter, name="reply-letter"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/prepare/", views.report_prepare, name="report-prepare"),
    path("reports/published/", published_report_list, name="published-report-list"),
    path("reports/<int:report_id>/publish/", views.report_publish, name="report-publish"),
    path("reports/<int:report_id>/report.docx", views.report_download, name="report-download"),
    path("reports/<int:report_id>/published.docx", views.report_published, name="report-published"),
]
