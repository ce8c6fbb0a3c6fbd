from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="index"),
    path("<int:entry_id>/", views.entry_detail, name="entry-detail"),
    path("verify/", views.chain_verify, name="verify"),
]
