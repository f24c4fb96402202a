"""品牌创建申报表 / 品牌完善申报表 and their 任务分解表."""

from schemas.checks import assignee_check, brand_length_check, members_check

FORM = {"品牌名称": [brand_length_check], "党员人数": [members_check]}
TABLES = {"任务分解": {"承办人": [assignee_check]}}
