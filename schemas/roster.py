"""支部名册: the committee's master data. Uniqueness is checked in `pipeline.validate.roster`."""

from schemas.checks import members_check

FORM: dict = {}
# The member count is optional in the roster, but when given a branch needs three full members.
TABLES = {"支部名册": {"党员人数": [members_check]}}
