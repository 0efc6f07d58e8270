"""Coverage-aware randomness for the generator.

A rare feature is forced on the first eligible post once the generator is ``FORCE_AFTER``
posts in, so every variation SITE.md names shows up in any replica of a modest size, and
rotations cycle through alternatives in a fixed order. The state only ever depends on the
posts generated so far, so a bigger replica of the same seed keeps its first posts unchanged.
"""

from __future__ import annotations

import random
from collections import Counter

FORCE_AFTER = 2  # the first posts stay plain, so features are not all bunched at index 0


class Coins:
    """Per-replica coverage state plus the current post's rng."""

    def __init__(self) -> None:
        self.rng = random.Random(0)
        self.index = 0
        self.seen: set[str] = set()
        self._turns: Counter[str] = Counter()

    def start(self, index: int, rng: random.Random) -> None:
        """Begin post ``index`` with its own rng."""
        self.index = index
        self.rng = rng

    def want(self, feature: str, eligible: bool, chance: float) -> bool:
        """True with ``chance`` when eligible, and always the first eligible time."""
        roll = self.rng.random() < chance
        if not eligible:
            return False
        if feature not in self.seen and self.index >= FORCE_AFTER:
            roll = True
        if roll:
            self.seen.add(feature)
        return roll

    def turn(self, key: str) -> int:
        """How many times ``key`` was used before; the caller rotates on it."""
        value = self._turns[key]
        self._turns[key] += 1
        return value
