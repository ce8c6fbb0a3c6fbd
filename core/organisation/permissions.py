"""Who may see and change the organisation of the city (deny by default: core.permissions).

- `organisation.view`: staff and administrators; deputies and unit clerks too, because they
  need to find a deputy or a handling unit (who answers what) and nothing shown is beyond what
  a congress publishes (name, delegation, occupation; unit names).
- `organisation.export`: whole rosters as xlsx, staff and administrators only (SEC-5: bulk
  copies of personal data only for those whose duty needs them).
- `organisation.edit`, `organisation.import`: staff and administrators.

Imported once from OrganisationConfig.ready().
"""

from core.accounts.roles import Role
from core.permissions import register, roles

VIEW = "organisation.view"
EXPORT = "organisation.export"
EDIT = "organisation.edit"
IMPORT = "organisation.import"

register(VIEW, roles(Role.STAFF, Role.ADMINISTRATOR, Role.DEPUTY, Role.UNIT_CLERK))
register(EXPORT, roles(Role.STAFF, Role.ADMINISTRATOR))
register(EDIT, roles(Role.STAFF, Role.ADMINISTRATOR))
register(IMPORT, roles(Role.STAFF, Role.ADMINISTRATOR))
