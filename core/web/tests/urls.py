"""The project's URLs plus two pages for navigation tests (one guarded, one open)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns
from core.permissions import public, requires


@requires("web.admin_desk")
def administrators_only(request):
    return HttpResponse("administrators only")


@public
def open_to_all(request):
    return HttpResponse("open")


@public
def say_saved(request):
    messages.success(request, "Saved.")
    return redirect("web:home")


navtest_patterns = (
    [
        path("administrators-only/", administrators_only, name="administrators-only"),
        path("open/", open_to_all, name="open"),
        path("say-saved/", say_saved, name="say-saved"),
    ],
    "navtest",
)

urlpatterns = [*project_urlpatterns, path("navtest/", include(navtest_patterns))]
