"""Export licence batches: China licenses used cars "one batch, one licence", at most 20 cars
under one commodity code (domain rule C6). No Django import."""

from itertools import groupby

BATCH_SIZE = 20


def assign(lines):
    """Batch numbers for `lines`, (line id, HS code) pairs in the order they were added.

    Cars are grouped by HS code, codes in ascending order, and each group is cut into batches
    of at most 20 in the order the cars were added; batches are numbered from 1 across the
    shipment. Returns {line id: batch number}."""
    ordered = sorted(enumerate(lines), key=lambda item: (item[1][1], item[0]))
    batches, number = {}, 0
    for _code, group in groupby(ordered, key=lambda item: item[1][1]):
        for index, (_position, (line_id, _hs)) in enumerate(group):
            if index % BATCH_SIZE == 0:
                number += 1
            batches[line_id] = number
    return batches
