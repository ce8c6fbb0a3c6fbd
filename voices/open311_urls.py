"""Open311 GeoReport v2, mounted at /open311/v2/ (voices/open311.py)."""

from django.urls import path, register_converter

from . import open311


class FormatConverter:
    """The response format, the URL's extension: json or xml."""

    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CodeConverter:
    """A service code or a tracking number (letters, digits, - and _; no dots)."""

    regex = r"[\w-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")
register_converter(CodeConverter, "open311_code")

app_name = "open311"

urlpatterns = [
    path("services.<open311_format:fmt>", open311.service_list, name="service-list"),
    path("services/<open311_code:code>.<open311_format:fmt>", open311.service_definition,
         name="service-definition"),
    path("requests.<open311_format:fmt>", open311.requests_view, name="request-list"),
    path("requests/<open311_code:request_id>.<open311_format:fmt>", open311.request_detail,
         name="request-detail"),
]
