"""Citizens' message pages, mounted at /voices/ (namespace "voices")."""

from django.urls import path

from .views import citizen, deputy, office, training, unit

app_name = "voices"

urlpatterns = [
    # The citizen (SEC-4..7, SEC-13)
    path("new/", citizen.message_create, name="message-create"),
    path("sent/", citizen.message_sent, name="message-sent"),
    path("track/", citizen.track, name="track"),
    path("mine/", citizen.my_messages, name="my-messages"),
    path("mine/export.xlsx", citizen.my_export, {"fmt": "xlsx"}, name="my-export-xlsx"),
    path("mine/export.json", citizen.my_export, {"fmt": "json"}, name="my-export-json"),
    # The congress office
    path("phone/", office.phone_entry, name="phone-entry"),
    path("caller/", office.caller_messages, name="caller-messages"),
    # "all/", not "": the menu marks an entry current for every page under its URL.
    path("all/", office.message_list, name="message-list"),
    path("all/export.xlsx", office.message_export, name="message-export"),
    path("<int:message_id>/", office.message_detail, name="message-detail"),
    path("<int:message_id>/route/", office.message_route, name="message-route"),
    path("<int:message_id>/not-accept/", office.message_not_accept, name="message-not-accept"),
    path("<int:message_id>/merge/", office.message_merge, name="message-merge"),
    path("<int:message_id>/callback/", office.message_callback, name="message-callback"),
    path("<int:message_id>/reveal/", office.message_reveal, name="message-reveal"),
    path("<int:message_id>/caller/", office.message_caller, name="message-caller"),
    # A deputy
    path("district/", deputy.district_list, name="district-list"),
    # text models (voices.train)
    path("models/", training.model_list, name="model-list"),
    path("models/train/", training.model_train, name="model-train"),
    path("models/<int:model_id>/activate/", training.model_activate, name="model-activate"),
    path("<int:message_id>/take-up/", deputy.message_take_up, name="message-take-up"),
    # The handling unit
    path("assigned/", unit.assigned_list, name="assigned-list"),
    path("assignments/<int:assignment_id>/reply/", unit.message_reply, name="message-reply"),
]
