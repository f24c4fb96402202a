"""Cell parsers (pipeline.parse.values): table-driven cases for every accepted format, plus properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.parse.values import (
    Parsed,
    is_blank,
    parse_code,
    parse_date,
    parse_due,
    parse_int,
    parse_month,
    parse_number,
    parse_percent,
    parse_phone,
    parse_quarter,
    parse_text,
)

D = dt.date
EPOCH = D(1899, 12, 30)
YEAR = 2014
APR_DEC = tuple(f"2014-{m:02d}" for m in range(4, 13))  # has October, not January
JAN_DEC = tuple(f"2014-{m:02d}" for m in range(1, 13))  # has both
CN = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
FULL_WIDTH = str.maketrans("0123456789-/.%Q", "０１２３４５６７８９－／．％Ｑ")


def month(raw: object, months: tuple[str, ...] = APR_DEC) -> Parsed:
    return parse_month(raw, YEAR, months)


def quarter(raw: object) -> Parsed:
    return parse_quarter(raw, YEAR)


def due(raw: object, months: tuple[str, ...] = APR_DEC) -> Parsed:
    return parse_due(raw, YEAR, months)


PARSERS = [
    parse_text, parse_code, parse_int, parse_number, parse_date, month, quarter, parse_percent,
    parse_phone, due,
]


def ok(parser, raw: object, expected: object) -> None:
    p = parser(raw)
    assert p == Parsed(expected), f"{raw!r} -> {p!r}"
    assert type(p.value) is type(expected), f"{raw!r} -> {type(p.value)}"


def bad(parser, raw: object, *fragments: str) -> None:
    p = parser(raw)
    assert p.value is None and p.error, f"{raw!r} -> {p!r}"
    for fragment in fragments:
        assert fragment in p.error


# ---- blanks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", " \u3000\t\n"])
@pytest.mark.parametrize("parser", PARSERS)
def test_blank_is_none_without_error(parser, raw):
    assert is_blank(raw)
    assert parser(raw) == Parsed(None)


@pytest.mark.parametrize("raw", [0, 0.0, False, "0", "a", D(2014, 5, 3)])
def test_not_blank(raw):
    assert not is_blank(raw)


# ---- text and codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("  第一党支部 ", "第一党支部"),
    ("\u3000张三\u3000", "张三"),
    (35.0, "35"),
    (35, "35"),
    (8.5, "8.5"),
    (D(2014, 5, 3), "2014-05-03"),
    (dt.datetime(2014, 5, 3), "2014-05-03"),
    (dt.datetime(2014, 5, 3, 9, 30), "2014-05-03 09:30:00"),
    (True, "TRUE"),
    ("ＡＢＣ", "ＡＢＣ"),  # free text keeps its full-width characters
])
def test_text(raw, expected):
    ok(parse_text, raw, expected)


@pytest.mark.parametrize("raw, expected", [
    ("JN001", "JN001"),
    ("  JN001\u3000", "JN001"),
    ("ＪＮ００１", "JN001"),
    (1001.0, "1001"),
    (1001, "1001"),
    ("１００１", "1001"),
])
def test_code(raw, expected):
    ok(parse_code, raw, expected)


# ---- integers and numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    (35, 35), (35.0, 35), ("35", 35), ("35.0", 35), ("35人", 35), ("35 人", 35), ("３５", 35),
    ("３５人", 35), (" 35 ", 35), ("0", 0), (-3, -3), ("-3", -3), ("－３", -3), ("1,234", 1234),
    ("12个", 12), ("4次", 4), ("3篇", 3), (10**20, 10**20),
])
def test_int(raw, expected):
    ok(parse_int, raw, expected)


@pytest.mark.parametrize("raw", [
    "abc", "35万", "30余人", "三十五", "35人人", "12,34", True, D(2014, 5, 3), float("nan"), float("inf"),
    "9" * 5000,
])
def test_int_unreadable(raw):
    bad(parse_int, raw, "无法识别的整数", "请填写整数，如 35")


@pytest.mark.parametrize("raw", [35.5, "35.5", "35.5人"])
def test_int_not_integral(raw):
    bad(parse_int, raw, "不是整数", "35.5")


@pytest.mark.parametrize("raw, expected", [
    (8.5, 8.5), ("8.5", 8.5), ("８.５", 8.5), ("８．５", 8.5), ("8.5分", 8.5), ("8.5 分", 8.5), (8, 8.0),
    ("8", 8.0), ("-1.5", -1.5), (".5", 0.5), ("1,234.5", 1234.5),
])
def test_number(raw, expected):
    ok(parse_number, raw, expected)


@pytest.mark.parametrize("raw", ["abc", "8.5.1", "八点五", "8.5万", True, float("nan"), float("-inf"), "80%"])
def test_number_unreadable(raw):
    bad(parse_number, raw, "无法识别的数字", "8.5")


# ---- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    D(2014, 5, 3), dt.datetime(2014, 5, 3), dt.datetime(2014, 5, 3, 17, 45),
    "2014-05-03", "2014-5-3", "2014/5/3", "2014/05/03", "2014.5.3", "2014年5月3日", "2014年5月3号",
    "2014年05月03日", "2014年5月3", "20140503", 20140503, 20140503.0,
    "２０１４－０５－０３", "２０１４年５月３日", "２０１４０５０３", "  2014-05-03 \u3000",
    "2014-05-03 00:00:00", "2014-05-03 10:30", "2014-05-03T10:30:00",
    41762, 41762.0, 41762.75,
])
def test_date(raw):
    ok(parse_date, raw, D(2014, 5, 3))


def test_date_error_message():
    assert parse_date("abc", 2014) == Parsed(None, "无法识别的日期“abc”，请填写为 2014-05-03 这样的日期")
    assert parse_date("abc", 2016) == Parsed(None, "无法识别的日期“abc”，请填写为 2016-05-03 这样的日期")
    assert parse_date("abc") == Parsed(None, "无法识别的日期“abc”，请按“年-月-日”填写完整的日期（四位年份）")


@pytest.mark.parametrize("raw", [
    "2014-02-30", "2014年2月30日", "20140230", 20140230, "2014-13-01", "2014-00-10",
])
def test_date_invalid(raw):
    bad(parse_date, raw, "不存在", "年-月-日")
    bad(lambda r: parse_date(r, 2014), raw, "不存在", "2014-05-03")


@pytest.mark.parametrize("raw", [
    "abc", "2014-05", "5月3日", "14-5-3", "2014年5月3日上午", 2014, 5, 0.5, 99_999, 123_456_789, -41762,
    True, dt.time(10, 30), float("nan"), float("inf"),
])
def test_date_unreadable(raw):
    bad(lambda r: parse_date(r, 2014), raw, "无法识别的日期", "2014-05-03")


# ---- months -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("2014-05", "2014-05"), ("2014-5", "2014-05"), ("2014年5月", "2014-05"), ("2014年05月", "2014-05"),
    ("2014年5月份", "2014-05"), ("2014.5", "2014-05"), ("2014/05", "2014-05"), ("2014/5", "2014-05"),
    ("201405", "2014-05"), ("5月", "2014-05"), ("5月份", "2014-05"), ("5", "2014-05"), ("五月", "2014-05"),
    ("十月", "2014-10"), ("十一月", "2014-11"), ("十二月", "2014-12"), ("一月", "2014-01"),
    ("2014年十一月", "2014-11"), ("2013年十二月", "2013-12"),
    ("２０１４－０５", "2014-05"), ("５月", "2014-05"),
    ("2014.10", "2014-10"), ("2014.1", "2014-01"), ("2014.12", "2014-12"),
    (D(2014, 5, 3), "2014-05"), (dt.datetime(2014, 5, 31, 8), "2014-05"), ("2014-05-03", "2014-05"),
    ("2014年5月3日", "2014-05"), (41762, "2014-05"), (41762.0, "2014-05"), (20140503, "2014-05"),
    (2014.6, "2014-06"), (2014.05, "2014-05"), (2014.11, "2014-11"), (2014.12, "2014-12"),
    (2013.12, "2013-12"), (5, "2014-05"), (5.0, "2014-05"), (201405, "2014-05"), (201405.0, "2014-05"),
])
def test_month(raw, expected):
    ok(month, raw, expected)


def test_month_float_2014_1_is_october_when_only_october_is_in_the_campaign():
    warning = "“2014.1”按 2014年10月理解（Excel 会把 2014.10 存成 2014.1），请核对"
    assert month(2014.1, APR_DEC) == Parsed("2014-10", warning=warning)


@pytest.mark.parametrize("months", [
    JAN_DEC,  # both: January is the literal reading
    ("2014-01", "2014-02"),  # only January
    ("2014-05",),  # neither
    (),
])
def test_month_float_2014_1_is_january_otherwise(months):
    assert month(2014.1, months) == Parsed("2014-01")


def test_month_ambiguity_rule_is_float_only():
    assert month("2014.1", APR_DEC) == Parsed("2014-01")
    assert month("2014.10", JAN_DEC) == Parsed("2014-10")


def test_month_ambiguity_uses_the_year_of_the_value():
    assert parse_month(2015.1, 2014, ("2015-10",)) == Parsed(
        "2015-10", warning="“2015.1”按 2015年10月理解（Excel 会把 2015.10 存成 2015.1），请核对"
    )


@pytest.mark.parametrize("raw", [
    "2014-13", "2014年0月", "13月", "十三月", "0月", "201413", 2014.13, "十十月",
])
def test_month_out_of_range(raw):
    bad(month, raw, "月份应在 1 到 12 之间", "2014-05")


@pytest.mark.parametrize("raw", [
    "abc", "May", "2014年", "2014", 2014, 2014.0, 2014.123, 13, 0, -5, 12.5, True, dt.time(9),
    float("nan"), "五",
])
def test_month_unreadable(raw):
    bad(month, raw, "无法识别的月份", "2014-05")


def test_month_bad_date_string():
    bad(month, "2014-02-30", "不存在")


# ---- quarters ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("2014Q2", "2014Q2"), ("2014q2", "2014Q2"), ("2014-Q2", "2014Q2"), ("2014 Q2", "2014Q2"),
    ("2014年第二季度", "2014Q2"), ("2014年第2季度", "2014Q2"), ("2014年二季度", "2014Q2"),
    ("第2季度", "2014Q2"),
    ("第二季度", "2014Q2"), ("二季度", "2014Q2"), ("2季度", "2014Q2"), ("Q2", "2014Q2"), ("q2", "2014Q2"),
    ("第二季", "2014Q2"), ("２０１４Ｑ２", "2014Q2"), ("第１季度", "2014Q1"), ("一季度", "2014Q1"),
    ("三季度", "2014Q3"), ("2013年第四季度", "2013Q4"), ("2015Q1", "2015Q1"),
    (2, "2014Q2"), (2.0, "2014Q2"), (D(2014, 5, 3), "2014Q2"), (dt.datetime(2014, 12, 31), "2014Q4"),
])
def test_quarter(raw, expected):
    ok(quarter, raw, expected)


@pytest.mark.parametrize("raw", ["2014Q5", "Q0", "第五季度", "2014年第5季度", "五季度", 5, 0])
def test_quarter_out_of_range(raw):
    bad(quarter, raw, "季度应为 1 到 4", "2014Q2")


@pytest.mark.parametrize("raw", ["abc", "2014", "2014年第二", "二", "Q", 2.5, True, float("nan"), "2014-05"])
def test_quarter_unreadable(raw):
    bad(quarter, raw, "无法识别的季度", "2014Q2")


# ---- percents ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("80%", 80.0), ("80％", 80.0), ("８０％", 80.0), ("80 %", 80.0), ("80.5%", 80.5), (0.8, 80.0),
    ("0.8", 80.0), (80, 80.0), (80.0, 80.0), ("80", 80.0), (1, 100.0), (1.0, 100.0), ("1", 100.0),
    (0, 0.0), (0.0, 0.0), ("0", 0.0), ("-0", 0.0), ("1%", 1.0), ("0.5%", 0.5), ("100%", 100.0),
    ("120%", 120.0), (150, 150.0), (0.07, 7.0), (0.29, 29.0), (1.5, 1.5),
])
def test_percent(raw, expected):
    ok(parse_percent, raw, expected)


@pytest.mark.parametrize("raw", ["-5%", -0.5, "-80", -1])
def test_percent_negative(raw):
    bad(parse_percent, raw, "不能为负数", "80%")


@pytest.mark.parametrize("raw", [
    "abc", "80%%", "百分之八十", "%", True, float("nan"), float("inf"), D(2014, 5, 3),
])
def test_percent_unreadable(raw):
    bad(parse_percent, raw, "无法识别的百分比", "80%")


# ---- phones -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("13912345678", "13912345678"), ("139 1234 5678", "13912345678"), ("139-1234-5678", "13912345678"),
    (13912345678.0, "13912345678"), (13912345678, "13912345678"), ("+86 139 1234 5678", "13912345678"),
    ("+8613912345678", "13912345678"), ("8613912345678", "13912345678"), ("(+86)13912345678", "13912345678"),
    ("１３９１２３４５６７８", "13912345678"), ("18612345678", "18612345678"),
    ("025-52101234", "025-52101234"), ("02552101234", "025-52101234"), ("025 5210 1234", "025-52101234"),
    ("52101234", "52101234"), (52101234.0, "52101234"), ("5210-1234", "52101234"),
    ("(025)52101234", "025-52101234"), ("（025）52101234", "025-52101234"), ("010-88886666", "010-88886666"),
    ("0571-8765432", "0571-8765432"), ("025-52101234-801", "025-52101234-801"),
    ("025-52101234转801", "025-52101234-801"), ("025-52101234 ext801", "025-52101234-801"),
    ("025-52101234 EXT.801", "025-52101234-801"), ("52101234转8", "52101234-8"),
])
def test_phone(raw, expected):
    ok(parse_phone, raw, expected)


@pytest.mark.parametrize("raw, text", [
    ("12345", "12345"), ("1391234567", "1391234567"), ("12912345678", "12912345678"),
    ("139123456789", "139123456789"), ("025-1234", "025-1234"), ("abc", "abc"), (2552101234.0, "2552101234"),
    (" 张老师 ", "张老师"), ("13912345678/13812345678", "13912345678/13812345678"), (True, "TRUE"),
])
def test_phone_invalid_is_kept_with_warning(raw, text):
    p = parse_phone(raw)
    assert p == Parsed(text, warning=f"联系电话“{text}”格式不对，请填写 11 位手机号或带区号的固定电话")


# ---- deadlines --------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("2014-05", "2014-05"), ("2014年5月", "2014-05"), ("5月", "2014-05"), ("五月", "2014-05"),
    ("5月底", "2014-05"), ("2014年5月底", "2014-05"), (2014.6, "2014-06"), (5, "2014-05"),
    ("2014.1", "2014-01"),
    ("2014-05-20", D(2014, 5, 20)), ("2014年5月20日", D(2014, 5, 20)), ("20140520", D(2014, 5, 20)),
    (20140520, D(2014, 5, 20)), (41779, D(2014, 5, 20)), (41779.0, D(2014, 5, 20)),
    (D(2014, 5, 20), D(2014, 5, 20)), (dt.datetime(2014, 5, 20, 18), D(2014, 5, 20)),
    ("5月20日", D(2014, 5, 20)), ("5月20号", D(2014, 5, 20)), ("5月20日前", D(2014, 5, 20)),
    ("2014年5月20日之前", D(2014, 5, 20)), ("2014-05-20前", D(2014, 5, 20)),
    ("２０１４－０５－２０", D(2014, 5, 20)),
])
def test_due(raw, expected):
    ok(due, raw, expected)


def test_due_float_2014_1_follows_the_month_rule():
    assert due(2014.1, APR_DEC).value == "2014-10" and due(2014.1, APR_DEC).warning
    assert due(2014.1, JAN_DEC) == Parsed("2014-01")


@pytest.mark.parametrize("raw", ["5月前", "abc", "2014", 2014, True, dt.time(9), "上半年"])
def test_due_unreadable(raw):
    bad(due, raw, "无法识别的截止时间", "2014-05", "2014-05-20")


@pytest.mark.parametrize("raw, fragment", [
    ("2014-02-30", "不存在"), ("2月30日", "不存在"), ("13月", "1 到 12"),
])
def test_due_invalid(raw, fragment):
    bad(due, raw, fragment)


# ---- properties -------------------------------------------------------------------------------------

dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 12, 31))


def date_renderings(d: D) -> list[object]:
    iso = d.strftime("%Y-%m-%d")
    return [
        iso,
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month}.{d.day}",
        f"{d.year}年{d.month}月{d.day}日",
        d.strftime("%Y%m%d"),
        int(d.strftime("%Y%m%d")),
        iso.translate(FULL_WIDTH),
        f"{d.year}年{d.month}月{d.day}日".translate(FULL_WIDTH),
        d,
        dt.datetime(d.year, d.month, d.day, 13, 5),
        float((d - EPOCH).days),
    ]


@given(dates)
def test_prop_date_renderings_round_trip(d):
    for raw in date_renderings(d):
        assert parse_date(raw) == Parsed(d), raw
        assert parse_due(raw, 1999, ()) == Parsed(d), raw
        assert parse_month(raw, 1999, ()) == Parsed(f"{d.year}-{d.month:02d}"), raw


@given(st.integers(2000, 2030), st.integers(1, 12))
def test_prop_month_renderings_round_trip(y, m):
    expected = f"{y}-{m:02d}"
    months = (expected,)
    renderings = [
        expected, f"{y}-{m}", f"{y}年{m}月", f"{y}.{m}", f"{y}/{m:02d}", f"{y}{m:02d}", f"{m}月",
        f"{CN[m]}月", f"{y}年{CN[m]}月", f"{y}年{m}月".translate(FULL_WIDTH), D(y, m, 15), y * 100 + m, m,
        float(f"{y}.{m}"), float(f"{y}.{m:02d}"),
    ]
    for raw in renderings:
        p = parse_month(raw, y, months)
        assert p.value == expected and p.error is None, raw
        if not isinstance(raw, D):  # a date is a day-level deadline, checked above
            assert parse_due(raw, y, months).value == expected, raw


@given(st.integers(2000, 2030), st.integers(1, 4))
def test_prop_quarter_renderings_round_trip(y, q):
    with_year = [
        f"{y}Q{q}", f"{y}q{q}", f"{y}-Q{q}", f"{y}年第{CN[q]}季度", f"{y}年第{q}季度", f"{y}年{CN[q]}季度",
        f"{y}Q{q}".translate(FULL_WIDTH), D(y, q * 3, 1),
    ]
    year_less = [f"Q{q}", f"第{q}季度", f"第{CN[q]}季度", f"{CN[q]}季度", f"{q}季度", q, float(q)]
    for raw in with_year:
        assert parse_quarter(raw, 1999) == Parsed(f"{y}Q{q}"), raw
    for raw in year_less:
        assert parse_quarter(raw, y) == Parsed(f"{y}Q{q}"), raw


@given(st.integers(2, 100))
def test_prop_percent_round_trip(p):
    for raw in [f"{p}%", f"{p}％", p, float(p), str(p), p / 100, str(p / 100)]:
        assert parse_percent(raw) == Parsed(float(p)), raw


@given(st.integers(-10**6, 10**6))
def test_prop_int_round_trip(n):
    for raw in [n, float(n), str(n), f"{n}人", f"{n} 人", str(n).translate(FULL_WIDTH)]:
        assert parse_int(raw) == Parsed(n), raw


raw_cells = st.one_of(
    st.none(), st.text(), st.floats(), st.integers(), st.booleans(), st.dates(), st.datetimes(), st.times(),
    st.from_regex(r"\A[0-9０-９.\-/年月日号季度第Q%％人 一二三四五六七八九十]{0,14}\Z"),
)


@given(raw_cells, st.integers(1, 9999), st.lists(st.sampled_from(JAN_DEC)).map(tuple))
def test_prop_parsers_never_raise(raw, year, months):
    results = [
        parse_text(raw), parse_code(raw), parse_int(raw), parse_number(raw), parse_date(raw),
        parse_month(raw, year, months), parse_quarter(raw, year), parse_percent(raw), parse_phone(raw),
        parse_due(raw, year, months),
    ]
    for p in results:
        assert isinstance(p, Parsed)
        assert p.error is None or p.value is None  # an error never comes with a value
        if is_blank(raw):
            assert p == Parsed(None)
    assert results[-2].error is None  # a phone is never an error, only a warning
