"""Small-number suppression shared by the outcome report and the equity view.

A number under settings.REPORT_MIN_GROUP_SIZE could point at a handful of people, so it is not
shown. Hiding it is not enough when the rows add up to a total someone knows (headcount, the
number of mentees): the hidden row would be the total minus the rest. So when rows partition a
known whole, at least two rows are hidden, and together they hold at least the minimum
(complementary suppression: the next smallest rows are hidden too).
"""

from __future__ import annotations

from collections.abc import Mapping


def suppress_partition(counts: Mapping[str, int], minimum: int) -> set[str]:
    """Keys to hide among rows that add up to a known total.

    Empty rows (0) name nobody and stay visible. Rows with 1..minimum-1 are hidden; then, while
    only one row is hidden or the hidden rows add up to less than the minimum, the smallest
    visible non-empty row is hidden too.
    """
    hidden = {key for key, count in counts.items() if 0 < count < minimum}
    visible = sorted((count, key) for key, count in counts.items()
                     if key not in hidden and count > 0)
    while hidden and (len(hidden) == 1 or sum(counts[k] for k in hidden) < minimum) and visible:
        hidden.add(visible.pop(0)[1])
    return hidden


def small(count: int | None, total: int | None, minimum: int) -> bool:
    """A count that names a few people, directly or through its complement within the total.

    0 names nobody, and "all of them" (a complement of 0) names no one apart from the rest, so
    both stay visible: an equity gap such as "none of the 30 people in Legal has a sponsor" is
    exactly what HR must be able to see.
    """
    if count is None or total is None:
        return True
    return 0 < count < minimum or 0 < total - count < minimum


ANOTHER_DESCRIPTION = "Another description"


def fold_rare_labels(rows: list[dict], minimum: int, *, key: str = "key",
                     size: str = "people") -> list[dict]:
    """Self-described answers held by fewer than `minimum` people, folded into one row.

    Hiding a small row's counts is not enough when its label is the answer itself: a gender
    or ethnicity only one person wrote names that person. Rows under the minimum are summed
    (every numeric field) into one "Another description" row; that row is then suppressed like
    any other if it is still small. The row format is unchanged.
    """
    rare = [row for row in rows if row[size] < minimum or row[key] == ANOTHER_DESCRIPTION]
    if not rare:
        return rows
    folded = {field: sum(row[field] for row in rare) for field in rare[0] if field != key}
    return [row for row in rows if row not in rare] + [{key: ANOTHER_DESCRIPTION, **folded}]
