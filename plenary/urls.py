from django.urls import path

from . import views

app_name = "plenary"
urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("sessions/<int:session_id>/", views.session_detail, name="session-detail"),
    path("sessions/<int:session_id>/roster/open/", views.roster_open, name="roster-open"),
    path("sessions/<int:session_id>/roster/refresh/", views.roster_refresh, name="roster-refresh"),
    path("sessions/<int:session_id>/check-in/", views.check_in, name="attendance-check-in"),
    path("sessions/<int:session_id>/presidium/", views.presidium_set, name="presidium-set"),
    path("sessions/<int:session_id>/motions/", views.motion_list, name="motion-list"),
    path("sessions/<int:session_id>/motions/new/", views.motion_create, name="motion-create"),
    path("joint-motions/", views.joint_motion_list, name="joint-motion-list"),
    path("motions/<int:motion_id>/", views.motion_detail, name="motion-detail"),
    path("motions/<int:motion_id>/signatures/", views.motion_signatures, name="motion-signatures"),
    path("motions/<int:motion_id>/sign/", views.motion_sign, name="motion-sign"),
    path("motions/<int:motion_id>/unsign/", views.motion_unsign, name="motion-unsign"),
    path("motions/<int:motion_id>/submit/", views.motion_submit, name="motion-submit"),
    path("motions/<int:motion_id>/withdraw/", views.motion_withdraw, name="motion-withdraw"),
    path("motions/<int:motion_id>/open/", views.motion_open, name="motion-open"),
    path("motions/<int:motion_id>/close/", views.motion_close, name="motion-close"),
    path("motions/<int:motion_id>/count/", views.motion_count, name="motion-count"),
    path("motions/<int:motion_id>/decide/", views.motion_decide, name="motion-decide"),
    path("motions/<int:motion_id>/hands/", views.motion_hands, name="motion-record-hands"),
]
