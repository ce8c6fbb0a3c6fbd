"""Per-user language and the second-factor requirement."""

from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user sees the language they chose (zh-hans unless they switched)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Placeholder: roles in SECOND_FACTOR_REQUIRED_ROLES must verify a TOTP device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
