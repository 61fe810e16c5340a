"""Which story ids survive a re-clustering: pure bookkeeping over memberships.

After a model change the archive is clustered again (`ortaq stories rebuild`), and the
new stories must keep the ids integrators already hold wherever the membership is
essentially the same. A new story takes over the id of the old story it overlaps most,
when their Jaccard overlap is at least `KEEP` (0.5): at most one old story can share
more than half of a story's members, so a kept id names the same news. Each old id
goes to one new story at most (the best overlap first); every other new story gets a
fresh number after every number ever given, so an id that disappears is never reused
for different news.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set

KEEP = 0.5


def carry_ids(
    old: Mapping[int, Set[int]], new: Mapping[int, Set[int]], next_number: int
) -> tuple[dict[int, int], int]:
    """Old stories (number -> member ids) and new ones (provisional number -> member
    ids, in creation order); returns each new story's final number and the next free
    number. `next_number` is above every number ever given."""
    story_of = {member: number for number, members in old.items() for member in members}
    pairs: list[tuple[float, int, int]] = []
    for provisional, members in new.items():
        shared = Counter(story_of[m] for m in members if m in story_of)
        for number, count in shared.items():
            jaccard = count / (len(members) + len(old[number]) - count)
            if jaccard >= KEEP:
                pairs.append((jaccard, provisional, number))
    pairs.sort(key=lambda pair: (-pair[0], pair[2], pair[1]))
    final: dict[int, int] = {}
    taken: set[int] = set()
    for _jaccard, provisional, number in pairs:
        if provisional not in final and number not in taken:
            final[provisional] = number
            taken.add(number)
    next_free = max([next_number, *(n + 1 for n in old)])
    for provisional in new:
        if provisional not in final:
            final[provisional] = next_free
            next_free += 1
    return final, next_free
