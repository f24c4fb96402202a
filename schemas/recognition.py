"""认定申请表; the link to the accepted application — including the brand name's length, warned here only
when the brand is not the application's (which was warned already) — is checked in `pipeline.validate.rules`."""

FORM: dict = {}
TABLES: dict = {}
