"""审核验收表: the committee's decisions (验收结论 通过/不通过/暂缓 comes from the kind's description).

Whether a 通过 goes against the shortlist's criteria is known only after scoring: `pipeline.consolidate.register`.
"""

FORM: dict = {}
TABLES: dict = {"审核验收": {}}
