"""The simulation's event recorder, its random stream and the log built from it."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gridorg._casestates import CODE_OF, NO_RATING, NO_TIME
from gridorg.lifecycle import CaseLog

HOUR_US = 3_600_000_000
_BLOCK = 1 << 14

COLLECTED = CODE_OF["collected"]
FILED = CODE_OF["filed"]
DISPATCHED = CODE_OF["dispatched"]
HANDLING = CODE_OF["handling"]
REPLIED = CODE_OF["replied"]
VERIFIED = CODE_OF["verified"]
CLOSED = CODE_OF["closed"]
ESCALATED = CODE_OF["escalated"]
REOPENED = CODE_OF["reopened"]


class Stream:
    """Standard normal and uniform numbers drawn from one generator in blocks, in call order."""

    __slots__ = ("_i", "_j", "_normals", "_rng", "_uniforms")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._normals: list[float] = []
        self._uniforms: list[float] = []
        self._i = self._j = 0

    def normal(self) -> float:
        """The next standard normal number."""
        if self._i == len(self._normals):
            self._normals = self._rng.standard_normal(_BLOCK).tolist()
            self._i = 0
        value = self._normals[self._i]
        self._i += 1
        return value

    def uniform(self) -> float:
        """The next uniform number in [0, 1)."""
        if self._j == len(self._uniforms):
            self._uniforms = self._rng.random(_BLOCK).tolist()
            self._j = 0
        value = self._uniforms[self._j]
        self._j += 1
        return value


class Recorder:
    """Case events kept as plain columns while the engine runs, then made into a log."""

    __slots__ = ("actor", "actors", "case", "due", "rating", "start_us", "state", "time")

    def __init__(self, start_us: int) -> None:
        self.start_us = start_us
        self.case: list[int] = []
        self.time: list[int] = []
        self.state: list[int] = []
        self.actor: list[int] = []
        self.due: list[int] = []
        self.rating: list[int] = []
        self.actors: dict[str, int] = {"": 0}

    def code(self, actor: str) -> int:
        """The code of an actor string."""
        found = self.actors.get(actor)
        if found is None:
            found = self.actors[actor] = len(self.actors)
        return found

    def add(
        self,
        case: int,
        hours: float,
        state: int,
        actor: int = 0,
        due: int = NO_TIME,
        rating: int = NO_RATING,
    ) -> None:
        """Record that ``case`` entered ``state`` at ``hours`` after the start."""
        self.case.append(case)
        self.time.append(self.start_us + int(hours * HOUR_US))
        self.state.append(state)
        self.actor.append(actor)
        self.due.append(due)
        self.rating.append(rating)

    def __len__(self) -> int:
        return len(self.case)

    def log(self, ids: list[str], categories: list[str], origins: list[str]) -> CaseLog:
        """The case log of every recorded event, each case registered with its issue."""
        log = CaseLog()
        if not self.case:
            return log
        id_array = np.array(ids, dtype=object)
        actor_names = np.array(list(self.actors), dtype=object)
        case = np.array(self.case, dtype=np.int64)
        columns: dict[str, npt.NDArray[np.generic]] = {
            "case": id_array[case],
            "time": np.array(self.time, dtype=np.int64),
            "state": np.array(self.state, dtype=np.uint8),
            "actor": actor_names[np.array(self.actor, dtype=np.int64)],
            "due": np.array(self.due, dtype=np.int64),
            "rating": np.array(self.rating, dtype=np.int8),
        }
        log.extend(columns)
        for i, case_id in enumerate(ids):
            log.register(case_id, category=categories[i], origin=origins[i])
        return log
