"""Licence batches: one code to a batch, at most the rule's number of cars."""

import pytest

from exports import batches


# Domain rule C6 (bramblepropertysearch.com/xinwenzixun/461.html): "one batch, one licence",
# up to the rule's max_vehicles used cars under one commodity code.
@pytest.mark.parametrize(
    ("codes", "max_vehicles", "single_code", "expected"),
    [
        (["A"] * 5, 20, True, [1, 1, 1, 1, 1]),
        (["A"] * 5, 2, True, [1, 1, 2, 2, 3]),  # the rule's limit, not a constant
        (["A"] * 21, 20, True, [1] * 20 + [2]),
        (["B", "A", "B", "A"], 20, True, [2, 1, 2, 1]),  # codes never mix, ascending
        (["B", "A", "B", "A", "A"], 2, True, [3, 1, 3, 1, 2]),
        (["B", "A", "B", "A"], 3, False, [1, 1, 1, 2]),  # the rule allows mixed codes
        ([], 20, True, []),
    ],
)
def test_batches_hold_one_code_and_at_most_the_rules_number(
    codes, max_vehicles, single_code, expected
):
    lines = [(index, code) for index, code in enumerate(codes)]
    numbers = batches.assign(lines, max_vehicles=max_vehicles, single_code=single_code)
    assert [numbers[index] for index, _code in lines] == expected


def test_a_licence_covers_at_least_one_car():
    with pytest.raises(ValueError):
        batches.assign([(1, "A")], max_vehicles=0)
