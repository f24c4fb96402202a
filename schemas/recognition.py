"""认定申请表; the link to the accepted application is checked in `pipeline.validate.rules`."""

from schemas.checks import brand_length_check

FORM = {"品牌名称": [brand_length_check]}
TABLES: dict = {}
