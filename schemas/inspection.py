"""督查记录表: the committee's inspection records (评分 0–10 comes from the kind's description)."""

FORM: dict = {}
TABLES: dict = {"督查记录": {}}
