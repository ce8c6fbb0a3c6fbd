from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/contact/", views.contact_view, name="contact"),
    path("password/", views.password_change_view, name="password-change"),
    path("second-factor/", views.totp_enrol_view, name="totp-enrol"),
    path("second-factor/verify/", views.totp_verify_view, name="totp-verify"),
    path("second-factor/remove/", views.totp_remove_view, name="totp-remove"),
    path("tokens/", views.token_list_view, name="token-list"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token-revoke"),
    path("users/", views.user_list_view, name="user-list"),
    path("users/new/", views.user_create_view, name="user-create"),
    path("users/created/", views.user_created_view, name="user-created"),
    path("users/locked-addresses/unlock/", views.address_unlock_view, name="address-unlock"),
    path("users/<int:user_id>/deactivate/", views.user_deactivate_view, name="user-deactivate"),
    path("users/<int:user_id>/reset-lockout/", views.user_reset_lockout_view, name="user-reset-lockout"),
    path(
        "users/<int:user_id>/reset-second-factor/",
        views.user_reset_second_factor_view,
        name="user-reset-second-factor",
    ),
]
