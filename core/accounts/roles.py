"""The roles of Datong's users (glossary: role `staff`, `citizen`, ...)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Congress staff")
    DEPUTY = "deputy", _("Deputy")
    UNIT_CLERK = "unit_clerk", _("Handling-unit clerk")
    CITIZEN = "citizen", _("Citizen")
    PUBLIC = "public", _("Public")
    ADMINISTRATOR = "administrator", _("Administrator")


ALL_ROLES = frozenset(Role.values)
