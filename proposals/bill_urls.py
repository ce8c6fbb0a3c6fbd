"""Bill and interpellation pages, mounted at /proposals/bills/ (namespace "bills")."""

from django.urls import path

from . import bill_views as views

app_name = "bills"

urlpatterns = [
    # Bills (BILL-1..6)
    path("", views.bill_list, name="bill-list"),
    path("new/", views.bill_create, name="bill-create"),
    path("<int:bill_id>/", views.bill_detail, name="bill-detail"),
    path("<int:bill_id>/edit/", views.bill_edit, name="bill-edit"),
    path("<int:bill_id>/sign/", views.bill_sign, name="bill-sign"),
    path("<int:bill_id>/unsign/", views.bill_unsign, name="bill-unsign"),
    path("<int:bill_id>/file/", views.bill_file, name="bill-file"),
    path("<int:bill_id>/abandon/", views.bill_abandon, name="bill-abandon"),
    path("<int:bill_id>/refer/", views.bill_refer, name="bill-refer"),
    path("<int:bill_id>/advice/", views.bill_advise, name="bill-advise"),
    path("<int:bill_id>/decide/", views.bill_decide, name="bill-decide"),
    path("<int:bill_id>/withdrawal-request/", views.bill_request_withdrawal, name="bill-request-withdrawal"),
    path("<int:bill_id>/withdrawal/", views.bill_withdraw, name="bill-withdraw"),
    path("<int:bill_id>/result/", views.bill_result, name="bill-result"),
    # Interpellations (RES-2)
    path("interpellations/", views.interpellation_list, name="interpellation-list"),
    path("interpellations/new/", views.interpellation_create, name="interpellation-create"),
    path("interpellations/<int:interpellation_id>/", views.interpellation_detail, name="interpellation-detail"),
    path("interpellations/<int:interpellation_id>/edit/", views.interpellation_edit, name="interpellation-edit"),
    path("interpellations/<int:interpellation_id>/sign/", views.interpellation_sign, name="interpellation-sign"),
    path("interpellations/<int:interpellation_id>/unsign/", views.interpellation_unsign,
         name="interpellation-unsign"),
    path("interpellations/<int:interpellation_id>/file/", views.interpellation_file, name="interpellation-file"),
    path("interpellations/<int:interpellation_id>/abandon/", views.interpellation_abandon,
         name="interpellation-abandon"),
    path("interpellations/<int:interpellation_id>/decide/", views.interpellation_decide,
         name="interpellation-decide"),
    path("interpellations/<int:interpellation_id>/oral-reply/", views.interpellation_oral_reply,
         name="interpellation-oral-reply"),
    path("interpellations/<int:interpellation_id>/reply/", views.interpellation_reply,
         name="interpellation-reply"),
    path("interpellations/<int:interpellation_id>/rate/", views.interpellation_rate, name="interpellation-rate"),
    path("interpellations/<int:interpellation_id>/further-reply/", views.interpellation_demand,
         name="interpellation-demand"),
    path("interpellations/<int:interpellation_id>/close/", views.interpellation_close,
         name="interpellation-close"),
    path("interpellations/replies/<int:round_id>/letter/", views.interpellation_letter,
         name="interpellation-letter"),
]
