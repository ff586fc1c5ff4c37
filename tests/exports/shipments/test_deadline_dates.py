"""When each compliance deadline falls due: plain date arithmetic, no database."""

import ast
from datetime import date
from pathlib import Path

import pytest

from exports import deadline_dates
from exports.deadline_dates import (
    AFTER_SALES_CONFIRMATION,
    DEREGISTRATION,
    TEMPORARY_PLATE,
    LineDates,
    add_months,
    confirmation_days,
    deregistration_due,
    due_dates,
    horizon,
    licence_application_due,
    working_days_before,
)

ON = date(2026, 12, 3)  # a Thursday
DRAFT = {"before_clearance": True, "still_in_china": True}
CLEARED = {"before_clearance": False, "still_in_china": True}
LOADED = {"before_clearance": False, "still_in_china": False}


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 10), 2, date(2026, 5, 10)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),  # February is shorter
        (date(2027, 12, 31), 2, date(2028, 2, 29)),  # a leap year
        (date(2026, 11, 30), 1, date(2026, 12, 30)),
        (date(2026, 1, 31), 13, date(2027, 2, 28)),  # over a year
    ],
)
def test_months_later_keep_the_day_or_take_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 12, 10), 3, date(2026, 12, 7)),  # Thursday: the Monday before
        (date(2026, 12, 14), 3, date(2026, 12, 9)),  # Monday: over the weekend
        (date(2026, 12, 13), 3, date(2026, 12, 9)),  # Sunday
        (date(2026, 12, 12), 1, date(2026, 12, 11)),  # Saturday: the Friday before
        (date(2026, 12, 10), 0, date(2026, 12, 10)),
    ],
)
def test_working_days_skip_weekends(day, count, expected):
    assert working_days_before(day, count) == expected


# Domain rule C6 (bramblepropertysearch.com/xinwenzixun/461.html): the provincial commerce
# department issues the export licence within 3 working days, and customs clear nothing
# without it, so the application is due 3 working days before the ETD.
@pytest.mark.parametrize(
    ("etd", "apply_by"),
    [
        (date(2026, 12, 10), date(2026, 12, 7)),
        (date(2026, 12, 14), date(2026, 12, 9)),
        (date(2026, 12, 7), date(2026, 12, 2)),  # Monday: Wednesday of the week before
    ],
)
def test_the_licence_application_is_due_three_working_days_before_the_etd(etd, apply_by):
    assert deadline_dates.LICENCE_ISSUE_WORKING_DAYS == 3
    assert licence_application_due(etd) == apply_by


# Domain rule C11 (DEREGISTER_WITHIN_MONTHS_AFTER_CLEARANCE, hetongauto.com/newsinfo/11.html):
# de-register within 2 months of export customs clearance.
@pytest.mark.parametrize(
    ("cleared_on", "due_on"),
    [
        (date(2026, 10, 15), date(2026, 12, 15)),
        (date(2026, 12, 31), date(2027, 2, 28)),
    ],
)
def test_deregistration_is_due_two_months_after_clearance(cleared_on, due_on):
    assert deregistration_due(cleared_on) == due_on


# Domain rule C12 (Shang Mao Han [2025] No. 648, aicarglobal.com): the rules decide whether
# the confirmation is needed; they are asked today and on the last day to apply, so a rule
# coming into force in between counts too.
@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (LineDates(**DRAFT, etd=date(2026, 12, 14)), (ON, date(2026, 12, 9))),
        (LineDates(**DRAFT, etd=date(2026, 12, 7)), (ON,)),  # the last day has passed
        (LineDates(**DRAFT, etd=date(2026, 12, 8)), (ON,)),  # the last day is today
        (LineDates(**DRAFT), ()),  # no ETD, no day to apply by
        (LineDates(**CLEARED, etd=date(2026, 12, 14)), ()),  # the licence was issued
    ],
)
def test_the_rules_are_asked_today_and_on_the_last_day_to_apply(dates, expected):
    assert confirmation_days(dates, ON) == expected


@pytest.mark.parametrize(
    ("dates", "needed", "expected"),
    [
        # C12 with C6: due by the licence application.
        (
            LineDates(**DRAFT, etd=date(2026, 12, 14)),
            True,
            [(AFTER_SALES_CONFIRMATION, date(2026, 12, 9))],
        ),
        (LineDates(**DRAFT, etd=date(2026, 12, 14)), False, []),
        (LineDates(**CLEARED, etd=date(2026, 12, 14)), True, []),
        # C5 (Announcement No. 6 of 2024, truckmaker.cn/?Related-Issues/92.html): the
        # temporary plate must not run out while the car is still in China.
        (
            LineDates(**CLEARED, temp_plate_expires_on=date(2026, 12, 20)),
            False,
            [(TEMPORARY_PLATE, date(2026, 12, 20))],
        ),
        (LineDates(**LOADED, temp_plate_expires_on=date(2026, 12, 20)), False, []),
        # C11: de-register within two months of clearance, until it is recorded.
        (
            LineDates(**LOADED, cleared_on=date(2026, 10, 15)),
            False,
            [(DEREGISTRATION, date(2026, 12, 15))],
        ),
        (
            LineDates(**LOADED, cleared_on=date(2026, 10, 15), deregistered_on=ON),
            False,
            [],
        ),
        # All three at once, in that order.
        (
            LineDates(
                **DRAFT,
                etd=date(2026, 12, 14),
                temp_plate_expires_on=date(2026, 12, 20),
                cleared_on=date(2026, 10, 15),
            ),
            True,
            [
                (AFTER_SALES_CONFIRMATION, date(2026, 12, 9)),
                (TEMPORARY_PLATE, date(2026, 12, 20)),
                (DEREGISTRATION, date(2026, 12, 15)),
            ],
        ),
    ],
)
def test_what_is_due_when(dates, needed, expected):
    assert due_dates(dates, ON, confirmation_needed=needed) == expected


def test_the_alert_window_is_a_week_counted_from_today():
    assert horizon(ON) == date(2026, 12, 10)
    assert horizon(ON, 0) == ON


def test_the_arithmetic_imports_no_django():
    tree = ast.parse(Path(deadline_dates.__file__).read_text())
    modules = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    modules += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [name for name in modules if name.split(".")[0] == "django"]
