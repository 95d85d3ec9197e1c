"""Scoring options: the template's choices that the arithmetic needs (pure data)."""
from __future__ import annotations

from dataclasses import dataclass, field

CRITERIA = ("c1", "c2", "c3", "c4", "c5")


@dataclass(frozen=True)
class ScoringOptions:
    method: str = "step"
    below_level_1: float = 1.0
    max_score: float = 5.0
    weight_total: float = 100.0
    decimals: dict = field(default_factory=lambda: {"score": 3, "percentage": 2, "weighted_score": 3})
    yellow_min_score: float = 3.0

    def with_decimals(self, n: int) -> "ScoringOptions":
        d = dict(self.decimals, score=n, weighted_score=n)
        return ScoringOptions(self.method, self.below_level_1, self.max_score,
                              self.weight_total, d, self.yellow_min_score)
