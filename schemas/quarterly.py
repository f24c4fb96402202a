"""季度汇报表 with its 宣传报道 table."""

FORM: dict = {}
TABLES: dict = {"宣传报道": {}}
