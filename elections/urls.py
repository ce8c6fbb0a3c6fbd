from django.urls import path

from . import views

app_name = "elections"
urlpatterns = [
    # The election desk (staff).
    path("", views.election_list, name="election-list"),
    path("offices/", views.office_list, name="office-list"),
    path("new/", views.election_create, name="election-create"),
    path("<int:election_id>/", views.election_detail, name="election-detail"),
    path("<int:election_id>/schedule/", views.election_schedule, name="election-schedule"),
    path("<int:election_id>/nominations/new/", views.nomination_create, name="nomination-create"),
    path("<int:election_id>/scrutineers/", views.scrutineer_list, name="scrutineer-list"),
    path(
        "<int:election_id>/scrutineers/<int:user_id>/remove/", views.scrutineer_remove, name="scrutineer-remove"
    ),
    path("<int:election_id>/list/", views.list_preview, name="list-preview"),
    path("<int:election_id>/list/finalise/", views.list_finalise, name="candidate-list-finalise"),
    path("<int:election_id>/tie-break/", views.election_tie_break, name="election-tie-break"),
    path("<int:election_id>/repeat/", views.election_repeat, name="election-repeat"),
    path("<int:election_id>/runoff/", views.election_runoff, name="election-runoff"),
    path("<int:election_id>/runoff/defer/", views.election_defer_runoff, name="election-defer-runoff"),
    path("<int:election_id>/lot/", views.election_settle_by_lot, name="election-settle-by-lot"),
    path("nominations/<int:nomination_id>/", views.nomination_detail, name="nomination-detail"),
    path("nominations/<int:nomination_id>/sign/", views.nomination_sign, name="nomination-sign"),
    path("nominations/<int:nomination_id>/submit/", views.nomination_submit, name="nomination-submit"),
    path("nominations/<int:nomination_id>/withdraw/", views.nomination_withdraw, name="nomination-withdraw"),
    path("nominations/<int:nomination_id>/relatives/", views.nomination_relative, name="nomination-declare-relative"),
    # Counting (staff and appointed scrutineers).
    path("counting/", views.counting, name="counting"),
    path("rounds/<int:round_id>/", views.round_detail, name="round-detail"),
    path("rounds/<int:round_id>/open/", views.round_open, name="round-open"),
    path("rounds/<int:round_id>/issue/", views.round_issue, name="round-issue"),
    path("rounds/<int:round_id>/close/", views.round_close, name="round-close"),
    path("rounds/<int:round_id>/enter/", views.ballot_entry, name="ballot-entry"),
    path("rounds/<int:round_id>/discrepancies/", views.discrepancy_list, name="discrepancy-list"),
    path("rounds/<int:round_id>/discrepancies/<int:sheet_number>/", views.sheet_resolve, name="sheet-resolve"),
    path("rounds/<int:round_id>/count/", views.round_count, name="round-count"),
    path("rounds/<int:round_id>/result/", views.round_result, name="round-result"),
    path("rounds/<int:round_id>/sign/", views.round_sign, name="round-sign"),
    path("rounds/<int:round_id>/announce/", views.round_announce, name="round-announce"),
    path("rounds/<int:round_id>/ballot.docx", views.ballot_download, name="ballot-download"),
    path("rounds/<int:round_id>/report.docx", views.report_download, name="report-download"),
    # The public announcement (ELEC-13).
    path("results/", views.results, name="results"),
    path("results/<int:round_id>/", views.result_detail, name="result-detail"),
]
