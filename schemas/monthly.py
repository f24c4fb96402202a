"""月检查表 with its 活动记录 and 任务进度 tables; cross-month rules live in `pipeline.validate.rules`."""

FORM: dict = {}
TABLES: dict = {"活动记录": {}, "任务进度": {}}
