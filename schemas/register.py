"""品牌认定名册: the register of recognised brands kept from earlier campaigns.

Statuses at as_of and the checks against this year's applications live in `pipeline.validate.register`.
"""

FORM: dict = {}
TABLES: dict = {"品牌认定名册": {}}
