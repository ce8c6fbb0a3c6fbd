"""/voting/: voting in the room (deputies), the round control (staff) and the projector."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.web.navigation import NavEntry, register

from . import views

app_name = "balloting"
urlpatterns = [
    path("", views.my_votes, name="my-votes"),
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/<int:round_id>/", views.round_detail, name="round-detail"),
    path("rounds/<int:round_id>/vote/", views.round_vote, name="round-vote"),
    path("rounds/<int:round_id>/voted/", views.round_voted, name="round-voted"),
    path("rounds/<int:round_id>/open/", views.round_open, name="round-open"),
    path("rounds/<int:round_id>/close/", views.round_close, name="round-close"),
    path("rounds/<int:round_id>/projector/", views.round_projector, name="round-projector"),
    path("results/<int:round_id>/", views.public_result, name="public-result"),
]

# The menu entries sit beside the URL names they point at; each shows only to the users
# its page lets in (core.web.navigation): deputies see "My votes now", staff "Votes".
register(NavEntry("my-votes", _("My votes now"), "balloting:my-votes", order=25))
register(NavEntry("voting-rounds", _("Votes"), "balloting:round-list", order=45))
