"""评审评分表: one score column per rubric item whose source is `review`, each 0 … its maximum."""

FORM: dict = {}
TABLES: dict = {"评审评分": {}}
