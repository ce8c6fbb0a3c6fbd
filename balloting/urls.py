"""/voting/: voting in the room (deputies), the round control (staff) and the projector."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from core.web.navigation import NavEntry, register

from . import views, views_paper
from .views_public import public_results

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
    # Counting a paper vote on a motion or a project (staff and the round's scrutineers).
    path("rounds/<int:round_id>/issue/", views_paper.round_issue, name="round-issue"),
    path("rounds/<int:round_id>/scrutineers/", views_paper.round_scrutineers, name="round-scrutineers"),
    path("rounds/<int:round_id>/enter/", views_paper.ballot_entry, name="round-enter"),
    path("rounds/<int:round_id>/discrepancies/", views_paper.discrepancy_list, name="round-discrepancies"),
    path(
        "rounds/<int:round_id>/discrepancies/<int:sheet_number>/",
        views_paper.sheet_resolve,
        name="round-sheet-resolve",
    ),
    path("rounds/<int:round_id>/count/", views_paper.round_count, name="round-count"),
    path("rounds/<int:round_id>/sign/", views_paper.round_sign, name="round-sign"),
    path("results/", public_results, name="public-results"),
    path("results/<int:round_id>/", views.public_result, name="public-result"),
]

# The menu entries sit beside the URL names they point at; each shows only to the users
# its page lets in (core.web.navigation): deputies see "My votes now", staff "Votes".
register(NavEntry("my-votes", _("My votes now"), "balloting:my-votes", order=25))
register(NavEntry("voting-rounds", _("Votes"), "balloting:round-list", order=45))
