import factory

from core.accounts.models import User
from core.accounts.roles import Role
from core.organisation.tests.factories import HandlingUnitFactory

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    role = Role.CITIZEN
    language = "en"
    # Only administrators use the Django admin (constraint accounts_user_only_administrators_use_admin).
    is_staff = factory.LazyAttribute(lambda o: o.role == Role.ADMINISTRATOR)
    is_superuser = factory.LazyAttribute(lambda o: o.role == Role.ADMINISTRATOR)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.lazy_attribute
    def handling_unit(self):
        return HandlingUnitFactory() if self.role == Role.UNIT_CLERK else None
