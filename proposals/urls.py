"""Suggestion pages, mounted at /proposals/ (namespace "proposals")."""

from django.urls import path

from .views import desks, handling, suggestions

app_name = "proposals"

urlpatterns = [
    # Lists and desks
    # "all/", not "": the menu marks an entry current for every page under its URL.
    path("all/", suggestions.suggestion_list, name="suggestion-list"),
    path("all/export.xlsx", suggestions.suggestion_export, name="suggestion-export"),
    path("my/", desks.deputy_desk, name="deputy-desk"),
    path("office/", desks.staff_desk, name="staff-desk"),
    path("to-register/", desks.register_queue, name="register-queue"),
    path("to-register/export.xlsx", desks.register_queue_export, name="register-queue-export"),
    path("to-assign/", desks.assign_queue, name="assign-queue"),
    path("to-assign/export.xlsx", desks.assign_queue_export, name="assign-queue-export"),
    # Drafting (SUGG-1)
    path("new/", suggestions.suggestion_create, name="suggestion-create"),
    path("<int:suggestion_id>/", suggestions.suggestion_detail, name="suggestion-detail"),
    path("<int:suggestion_id>/edit/", suggestions.suggestion_edit, name="suggestion-edit"),
    path("<int:suggestion_id>/attachments/", suggestions.attachment_add, name="suggestion-attach"),
    path("attachments/<int:attachment_id>/", suggestions.attachment_download, name="attachment-download"),
    path("attachments/<int:attachment_id>/remove/", suggestions.attachment_remove, name="attachment-remove"),
    path("<int:suggestion_id>/cosigners/", suggestions.cosigner_invite, name="cosigner-invite"),
    path("cosignatures/<int:cosignature_id>/", suggestions.cosignature_answer, name="cosignature-answer"),
    path("<int:suggestion_id>/submit/", suggestions.suggestion_submit, name="suggestion-submit"),
    path("<int:suggestion_id>/withdraw/", suggestions.suggestion_withdraw, name="suggestion-withdraw"),
    # Registration and handling (SUGG-2..11)
    path("<int:suggestion_id>/register/", handling.suggestion_register, name="suggestion-register"),
    path("<int:suggestion_id>/decline/", handling.suggestion_decline, name="suggestion-decline"),
    path("<int:suggestion_id>/assign/", handling.suggestion_assign, name="suggestion-assign"),
    path("assignments/<int:assignment_id>/extend/", handling.assignment_extend, name="assignment-extend"),
    path("assignments/<int:assignment_id>/reply/", handling.assignment_reply, name="assignment-reply"),
    path("replies/<int:reply_id>/letter/", handling.reply_letter, name="reply-letter"),
    path("replies/<int:reply_id>/rate/", handling.reply_rate, name="reply-rate"),
    path("<int:suggestion_id>/rehandle/", handling.suggestion_rehandle, name="suggestion-rehandle"),
    path("<int:suggestion_id>/close/", handling.suggestion_close, name="suggestion-close"),
    path("<int:suggestion_id>/supervise/", handling.suggestion_supervise, name="suggestion-supervise"),
    path("<int:suggestion_id>/merge/", handling.suggestion_merge, name="suggestion-merge"),
]
