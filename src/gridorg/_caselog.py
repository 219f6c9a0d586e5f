"""The append-only case log: columnar storage, the one-event fast path and atomic batches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, overload

import numpy as np
import numpy.typing as npt

from gridorg import _caseconvert as convert
from gridorg._casecheck import check_batch, due_message, first_message, step_message, time_message
from gridorg._casecols import Batch, from_columns, from_events
from gridorg._casestates import (
    ALLOWED_PAIRS,
    CODE_OF,
    DUE_CODES,
    FINAL_MASK,
    NO_RATING,
    NO_TIME,
    STATES,
    CaseEvent,
    CaseState,
    from_us,
    to_us,
)
from gridorg._casestore import Columns, Pool
from gridorg._casewrite import CASE_DTYPES, CASE_FILL, EVENT_DTYPES, commit, text_codes
from gridorg._fields import describe, id_problem
from gridorg.errors import ArgumentTypeError, CaseLogError, TransitionError
from gridorg.issue import Issue, aware

if TYPE_CHECKING:
    from gridorg._caseviews import CaseView, CaseViews

I64 = npt.NDArray[np.int64]
#: Appended events wait in Python lists until this many, or until the log is read.
_FLUSH_AT = 1 << 16


class CaseInfo(NamedTuple):
    """What a case is about and where it arose (``None`` while unregistered)."""

    category: str | None
    origin: str | None


class CaseLog:
    """An append-only log of case events that refuses every step outside the lifecycle table.

    ``events`` are appended as one batch; ``cases`` maps case ids to ``(category, origin)``
    pairs (or is an iterable of :class:`~gridorg.Issue`) registered afterwards. Storage is
    columnar: a case code (int32), the time (int64 UTC microseconds), the state code (uint8),
    actor and note codes into string pools (0 is the empty string), the due time (int64,
    :data:`NO_TIME` for none) and the satisfaction rating (int8, 1-5, :data:`NO_RATING` for
    none) per event; per case its last state and time, its first
    (collected) time, its current due and its category and origin codes (-1 unregistered).
    A refused event or batch raises :class:`~gridorg.TransitionError` (a step outside
    :data:`TRANSITIONS`) or :class:`~gridorg.CaseLogError` (anything else) and leaves the log
    as it was.
    """

    def __init__(
        self,
        events: Iterable[CaseEvent] | Mapping[str, Any] = (),
        *,
        cases: Mapping[str, tuple[str, str]] | Iterable[Issue] | None = None,
    ) -> None:
        self._cases = Pool()
        self._actors = Pool([""])
        self._notes = Pool([""])
        self._categories = Pool()
        self._origins = Pool()
        self._ev = Columns(EVENT_DTYPES)
        self._cs = Columns(CASE_DTYPES, CASE_FILL)
        self._clear_pending()
        self._groups: tuple[int, I64, I64] | None = None
        if isinstance(events, Mapping) or events != ():
            self.extend(events)
        if cases is not None:
            if isinstance(cases, Mapping):
                for case, (category, origin) in cases.items():
                    self.register(case, category=category, origin=origin)
            else:
                for issue in cases:
                    self.register(issue.id, category=issue.category, origin=issue.origin)

    def _clear_pending(self) -> None:
        self._p_case: list[int] = []
        self._p_time: list[int] = []
        self._p_state: list[int] = []
        self._p_actor: list[int] = []
        self._p_note: list[int] = []
        self._p_due: list[int] = []
        self._p_rating: list[int] = []
        self._hot: dict[int, tuple[int, int]] = {}
        self._p_info: dict[int, tuple[int, int]] = {}

    # -- adding events -------------------------------------------------------------------

    def append(self, event: CaseEvent) -> None:
        """Add one event; refuse it (the log unchanged) if it breaks the lifecycle."""
        if not isinstance(event, CaseEvent):
            msg = f"append takes a CaseEvent, got {describe(event)}"
            raise ArgumentTypeError(msg)
        code = CODE_OF[event.state]
        us = event._us
        due = event._due_us
        case = event.case
        ci = self._cases.index.get(case)
        if due != NO_TIME and code not in DUE_CODES:
            raise CaseLogError(due_message(case, code, None))
        if ci is None:
            if code:
                raise TransitionError(first_message(case, code, None))
            ci = self._cases.code(case)
        else:
            hot = self._hot.get(ci)
            if hot is None:
                before, last = self._cs_item("last_state", ci), self._cs_item("last_time", ci)
            else:
                before, last = hot
            if before * 16 + code not in ALLOWED_PAIRS:
                raise TransitionError(step_message(case, before, code, None))
            if us < last:
                raise CaseLogError(time_message(case, code, us, last, None))
        self._hot[ci] = (code, us)
        actor = event.actor
        note = event.note
        self._p_case.append(ci)
        self._p_time.append(us)
        self._p_state.append(code)
        self._p_actor.append(self._actors.code(actor) if actor else 0)
        self._p_note.append(self._notes.code(note) if note else 0)
        self._p_due.append(due)
        rating = event.rating
        self._p_rating.append(NO_RATING if rating is None else rating)
        if len(self._p_case) >= _FLUSH_AT:
            self._flush()

    def _cs_item(self, name: str, ci: int) -> int:
        value: int = self._cs.raw(name).item(ci)
        return value

    def extend(self, events: Iterable[CaseEvent] | Mapping[str, Any]) -> None:
        """Add a batch of events, all or none: :class:`CaseEvent` records or event columns.

        Columns are a mapping with ``case`` (ids), ``time`` (int64 UTC µs, ``datetime64``
        read as UTC, or aware datetimes), ``state`` (codes or names) and optional ``actor``,
        ``note`` (strings, or one string for all), ``due`` (times; ``None``/``NaT``/
        :data:`NO_TIME` for none) and ``rating`` (integers 1-5; ``None`` or
        :data:`NO_RATING` for none; only replied, verified and closed events carry one).
        Events of a case must appear in time order; the batch is checked as a whole against
        the log and refused with the first few offending events named.
        """
        batch = from_columns(events) if isinstance(events, Mapping) else from_events(events)
        if not batch.case:
            return
        self._flush()
        self._add(batch)

    def _add(self, batch: Batch) -> None:
        count = len(batch.case)
        cidx, new_cases = self._cases.codes(batch.case, "case", ids=True)
        actor, new_actors = text_codes(self._actors, batch.actor, "actor", count)
        note, new_notes = text_codes(self._notes, batch.note, "note", count)
        order = check_batch(batch, cidx, self._cs["last_state"], self._cs["last_time"])
        self._cases.commit(new_cases)
        self._actors.commit(new_actors)
        self._notes.commit(new_notes)
        commit(self, cidx, batch.time, batch.state, actor, note, batch.due, batch.rating, order)

    def _flush(self) -> None:
        if self._p_case:
            cidx = np.array(self._p_case, dtype=np.int64)
            due = np.array(self._p_due, dtype=np.int64)
            rating = np.array(self._p_rating, dtype=np.int8)
            commit(
                self,
                cidx,
                np.array(self._p_time, dtype=np.int64),
                np.array(self._p_state, dtype=np.uint8),
                np.array(self._p_actor, dtype=np.int64),
                np.array(self._p_note, dtype=np.int64),
                due if bool((due != NO_TIME).any()) else None,
                rating if bool((rating != NO_RATING).any()) else None,
                np.argsort(cidx, kind="stable"),
            )
        for ci, (category, origin) in self._p_info.items():
            self._cs.raw("category")[ci] = category
            self._cs.raw("origin")[ci] = origin
        self._clear_pending()

    def open(
        self,
        issue: Issue,
        *,
        time: dt.datetime | None = None,
        actor: str = "",
        due: dt.datetime | None = None,
    ) -> None:
        """Open a case for ``issue``: append ``collected`` (at ``time``, by default when it was
        reported) and register its category and origin; a case id already used is refused."""
        if not isinstance(issue, Issue):
            msg = f"open takes an Issue, got {describe(issue)}"
            raise ArgumentTypeError(msg)
        if issue.id in self._cases.index:
            msg = f"case {issue.id!r} is already in the log; an issue is opened once"
            raise CaseLogError(msg)
        when = issue.reported if time is None else time
        event = CaseEvent(issue.id, when, CaseState.COLLECTED, actor=actor, due=due)
        self.append(event)
        self.register(issue.id, category=issue.category, origin=issue.origin)

    def register(self, case: str, *, category: str, origin: str) -> None:
        """Record what case ``case`` (already in the log) is about and where it arose.

        Registering the same information again is allowed; different information is refused.
        """
        ci = self._cases.index.get(case) if isinstance(case, str) else None
        if ci is None:
            msg = f"case {case!r} is not in the log; open it or append its collected event first"
            raise CaseLogError(msg)
        for name, value in (("category", category), ("origin", origin)):
            problem = id_problem(name, value)
            if problem:
                msg = f"case {case!r}: {problem}"
                raise CaseLogError(msg)
        old = self.case_info(case)
        if old != (None, None):
            if old == (category, origin):
                return
            msg = (
                f"case {case!r} is registered as category {old.category!r} at {old.origin!r}; "
                f"cannot register it again as {category!r} at {origin!r}"
            )
            raise CaseLogError(msg)
        self._p_info[ci] = (self._categories.code(category), self._origins.code(origin))

    # -- reading -------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._ev.size + len(self._p_case)

    def _event(self, k: int) -> CaseEvent:
        ev = self._ev
        due = int(ev.raw("due")[k])
        rating = int(ev.raw("rating")[k])
        return CaseEvent(
            self._cases.values[int(ev.raw("case")[k])],
            from_us(int(ev.raw("time")[k])),
            STATES[int(ev.raw("state")[k])],
            actor=self._actors.values[int(ev.raw("actor")[k])],
            note=self._notes.values[int(ev.raw("note")[k])],
            due=None if due == NO_TIME else from_us(due),
            rating=None if rating == NO_RATING else rating,
        )

    def __iter__(self) -> Iterator[CaseEvent]:
        self._flush()
        return map(self._event, range(self._ev.size))

    @overload
    def __getitem__(self, index: int) -> CaseEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[CaseEvent]: ...
    def __getitem__(self, index: int | slice) -> CaseEvent | list[CaseEvent]:
        self._flush()
        if isinstance(index, slice):
            return [self._event(k) for k in range(*index.indices(self._ev.size))]
        if not isinstance(index, int | np.integer) or isinstance(index, bool):
            msg = f"a case log is indexed by event position, got {describe(index)}"
            raise ArgumentTypeError(msg)
        k = int(index) + (self._ev.size if index < 0 else 0)
        if not 0 <= k < self._ev.size:
            msg = f"event position {int(index)} is out of range for {self._ev.size} events"
            raise IndexError(msg)
        return self._event(k)

    def _code(self, case: object) -> int:
        ci = self._cases.index.get(case) if isinstance(case, str) else None
        if ci is None:
            msg = f"case {case!r} is not in the log ({len(self._cases)} cases)"
            raise CaseLogError(msg)
        return ci

    def grouped(self) -> tuple[I64, I64]:
        """Event positions grouped by case (in time order within a case) and group starts."""
        self._flush()
        if self._groups is None or self._groups[0] != self._ev.size:
            codes = self._ev["case"]
            order = np.argsort(codes, kind="stable")
            starts = np.zeros(len(self._cases) + 1, dtype=np.int64)
            np.cumsum(np.bincount(codes, minlength=len(self._cases)), out=starts[1:])
            self._groups = (self._ev.size, order, starts)
        return self._groups[1], self._groups[2]

    def _positions(self, case: str) -> I64:
        ci = self._code(case)
        order, starts = self.grouped()
        return order[starts[ci] : starts[ci + 1]]

    def events_of(self, case: str) -> list[CaseEvent]:
        """The events of case ``case``, in time order."""
        return [self._event(k) for k in self._positions(case).tolist()]

    @property
    def cases(self) -> tuple[str, ...]:
        """Every case id, in the order cases first appeared."""
        return tuple(self._cases.values)

    def case_info(self, case: str) -> CaseInfo:
        """The category and origin registered for case ``case`` (``None`` when unregistered)."""
        ci = self._code(case)
        codes = self._p_info.get(ci)
        if codes is None:
            if ci >= self._cs.size:
                return CaseInfo(None, None)
            codes = (self._cs_item("category", ci), self._cs_item("origin", ci))
        category, origin = codes
        return CaseInfo(
            None if category < 0 else self._categories.values[category],
            None if origin < 0 else self._origins.values[origin],
        )

    def state_of(self, case: str, at: dt.datetime | None = None) -> CaseState | None:
        """The state of case ``case`` at ``at`` (default: now, its last event); ``None`` when
        the case had no event yet at ``at``."""
        if at is None:
            ci = self._code(case)
            hot = self._hot.get(ci)
            return STATES[hot[0] if hot is not None else self._cs_item("last_state", ci)]
        if not aware(at):
            msg = f"at must be a timezone-aware datetime, got {describe(at)}"
            raise ArgumentTypeError(msg)
        positions = self._positions(case)
        times = self._ev["time"][positions]
        k = int(np.searchsorted(times, to_us(at), side="right")) - 1
        return None if k < 0 else STATES[int(self._ev["state"][positions[k]])]

    def views(self, *, at: dt.datetime | None = None, warn: float = 0.8) -> CaseViews:
        """Every case's derived view at ``at`` (see :class:`~gridorg.lifecycle.CaseViews`)."""
        from gridorg._caseviews import compute_views

        return compute_views(self, at=at, warn=warn)

    def view(self, case: str, *, at: dt.datetime | None = None, warn: float = 0.8) -> CaseView:
        """Case ``case``'s derived view at ``at`` (computed from its events alone)."""
        from gridorg._caseviews import compute_views

        self._code(case)
        return compute_views(self, at=at, warn=warn, only=case)[case]

    # -- conversion ----------------------------------------------------------------------

    def to_columns(self) -> dict[str, npt.NDArray[Any]]:
        """Every event as columns, plus the case table; :meth:`from_columns` reverses it.

        Per event: ``case``, ``actor``, ``note`` (object arrays of strings), ``time`` (int64
        UTC µs), ``state`` (uint8 codes), ``due`` (int64 µs, :data:`NO_TIME` for none),
        ``rating`` (int8, 1-5, :data:`NO_RATING` for none). Per
        case, in first-seen order: ``cases`` (ids), ``category`` and ``origin`` (strings or
        ``None``).
        """
        return convert.to_columns(self)

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any]) -> CaseLog:
        """A log from :meth:`to_columns` output (the per-case keys are optional)."""
        return convert.from_columns(cls, columns)

    def to_records(self) -> list[dict[str, Any]]:
        """Every event as a JSON-compatible record in append order (ISO 8601 UTC times); a
        case's first record also carries its ``category`` and ``origin`` when registered."""
        return convert.to_records(self)

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> CaseLog:
        """A log from :meth:`to_records` output."""
        return convert.from_records(cls, records)

    # -- identity ------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CaseLog):
            return NotImplemented
        return convert.same_log(self, other)

    __hash__ = None  # type: ignore[assignment]  # a log grows: it is not hashable

    def __getstate__(self) -> dict[str, Any]:
        return convert.pickled(self)

    def __setstate__(self, state: dict[str, Any]) -> None:
        convert.unpickle(self, state)

    def open_count(self) -> int:
        """How many cases are not in a final state."""
        self._flush()
        return int(np.count_nonzero(~FINAL_MASK[self._cs["last_state"]]))

    def __repr__(self) -> str:
        count, cases = len(self), len(self._cases)
        return (
            f"<CaseLog: {count:,} event{'s' * (count != 1)}, {cases:,} case{'s' * (cases != 1)}"
            f" ({self.open_count():,} open)>"
        )
