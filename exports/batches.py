"""Export licence batches: China licenses used cars "one batch, one licence", at most a set
number of cars under one commodity code (domain rule C6). No Django import."""

from itertools import groupby

# C6's figure, used only while no valid EXPORT_LICENCE_MAX_VEHICLES rule is in force: the
# rule's own parameter decides otherwise.
DEFAULT_MAX_VEHICLES = 20


def assign(lines, *, max_vehicles=DEFAULT_MAX_VEHICLES, single_code=True):
    """Batch numbers for `lines`, (line id, commodity code) pairs in the order they were added.

    Cars are grouped by code, codes in ascending order (all together when the licence may mix
    codes), and each group is cut into batches of at most `max_vehicles` in the order the cars
    were added; batches are numbered from 1 across the shipment. Returns {line id: batch}."""
    if max_vehicles < 1:
        raise ValueError("a licence covers at least one car")

    def code(item):
        return item[1][1] if single_code else ""

    ordered = sorted(enumerate(lines), key=lambda item: (code(item), item[0]))
    batches, number = {}, 0
    for _code, group in groupby(ordered, key=code):
        for index, (_position, (line_id, _code_of_line)) in enumerate(group):
            if index % max_vehicles == 0:
                number += 1
            batches[line_id] = number
    return batches
