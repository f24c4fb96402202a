import datetime as dt
import tomllib

import pytest
from factory import CONFIG, campaign

from pipeline.config import ConfigError, build_campaign

D = dt.date


def raw() -> dict:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))


def test_defaults_reproduce_the_2014_calendar():
    c = campaign()
    assert c.months == ("2014-05", "2014-06", "2014-07", "2014-08", "2014-09", "2014-10", "2014-11")
    assert c.quarters == ("2014Q2", "2014Q3", "2014Q4")
    assert sum(r.max for r in c.rubric) == 100


@pytest.mark.parametrize(("period", "due"), [
    ("2014-09", D(2014, 10, 8)),   # 10-05 falls in the National Day holiday
    ("2014-06", D(2014, 7, 7)),    # 07-05 is a Saturday
    ("2014-05", D(2014, 6, 5)),
    ("2014Q2", D(2014, 7, 10)),
    ("2014Q4", D(2015, 1, 12)),    # 2015-01-10 is a Saturday
])
def test_due_dates_roll_past_weekends_and_holidays(period, due):
    assert campaign().period_due(period) == due


def test_window_deadlines_roll():
    c = campaign()
    assert c.application_deadline == D(2014, 4, 21)
    assert c.recognition_deadline == D(2014, 12, 1)


def test_rolling_can_be_switched_off():
    cfg = raw() | {"deadline_rolls_to_workday": False}
    c = build_campaign(cfg, today=D(2014, 12, 31))
    assert c.period_due("2014-09") == D(2014, 10, 5)


def test_late_founded_branch_gets_thirty_days():
    c = campaign()
    assert c.application_deadline_for(D(2014, 7, 1)) == D(2014, 7, 31)
    assert c.application_deadline_for(D(2010, 1, 1)) == D(2014, 4, 21)


def test_as_of_defaults_to_today_capped_at_review_end():
    assert build_campaign(raw(), today=D(2026, 11, 26)).as_of == D(2014, 12, 31)
    assert build_campaign(raw(), today=D(2014, 8, 1)).as_of == D(2014, 8, 1)
    assert build_campaign(raw(), today=D(2026, 1, 1), as_of=D(2014, 9, 9)).as_of == D(2014, 9, 9)


@pytest.mark.parametrize(("change", "key"), [
    ({"colour": 1}, "colour"),
    ({"windows": {**raw()["windows"], "application": {"start": D(2014, 4, 20), "end": D(2014, 4, 1)}}},
     "windows.application"),
    ({"rubric": raw()["rubric"][:-1]}, "rubric"),
])
def test_bad_config_names_the_key(change, key):
    with pytest.raises(ConfigError) as err:
        build_campaign(raw() | change, today=D(2014, 12, 31))
    assert any(key in p for p in err.value.problems)


def test_rubric_weight_change_is_config_only():
    cfg = raw()
    cfg["rubric"] = [dict(r) for r in cfg["rubric"]]
    cfg["rubric"][0]["max"], cfg["rubric"][6]["max"] = 15, 5
    c = build_campaign(cfg, today=D(2014, 12, 31))
    assert c.rubric[0].max == 15 and c.rubric[6].max == 5
