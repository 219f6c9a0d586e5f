"""``Unit``: one node of the organisation tree, as a frozen value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from gridorg._fields import attributes_problem, copy_json, count_problem, describe, id_problem
from gridorg.errors import Problem, RecordError
from gridorg.tiers import PartyForm

__all__ = ["Unit"]


def _fail(inst_id: object, field: str, message: str) -> RecordError:
    where = f"unit {inst_id!r}" if isinstance(inst_id, str) else "unit"
    problem = Problem(
        "invalid_field",
        f"{where}: {message}",
        unit=inst_id if isinstance(inst_id, str) else None,
        field=field,
    )
    return RecordError([problem], subject="Unit")


def _form(value: object) -> PartyForm | None:
    if value is None or isinstance(value, PartyForm):
        return value
    try:
        return PartyForm.parse(value)
    except (TypeError, ValueError) as err:
        raise _fail(None, "form", str(err)) from None


def _attributes(value: object) -> dict[str, Any]:
    problem = attributes_problem(value)
    if problem:
        raise _fail(None, "attributes", problem)
    copied: dict[str, Any] = copy_json(value)
    return copied


def _check_id(inst: Unit, attribute: attrs.Attribute[Any], value: object) -> None:
    problem = id_problem(attribute.name, value)
    if problem:
        raise _fail(getattr(inst, "id", None), attribute.name, problem)


def _check_parent(inst: Unit, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check_id(inst, attribute, value)


def _check_str(inst: Unit, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        msg = f"{attribute.name} must be a string, got {describe(value)}"
        raise _fail(inst.id, attribute.name, msg)


def _check_count(inst: Unit, attribute: attrs.Attribute[Any], value: object) -> None:
    problem = count_problem(attribute.name, value)
    if problem:
        raise _fail(inst.id, attribute.name, problem)


def _int(value: object) -> object:
    # numpy integers become Python ints; anything else is left for the validator to judge.
    if type(value) is not int and not isinstance(value, bool):
        try:
            import numpy as np

            if isinstance(value, np.integer):
                return int(value)
        except ImportError:  # pragma: no cover - numpy is a core dependency
            pass
    return value


@attrs.frozen(repr=False)
class Unit:
    """One unit of the organisation: a street, community, grid or household-head unit.

    ``tier`` names a tier of the organisation's :class:`~gridorg.LevelScheme`; ``form`` is its
    party form or ``None`` (a grid without a party group). The counts are the households,
    party members and gridders attached to this unit itself, not to its descendants (see
    :meth:`Organisation.totals` for subtree sums). ``attributes`` is free-form JSON-compatible
    data, copied on construction.

    Units are plain values: ``Unit("G1", "grid", parent="C1", households=320)``.
    """

    id: str = attrs.field(validator=_check_id)
    tier: str = attrs.field(validator=_check_id)
    parent: str | None = attrs.field(default=None, kw_only=True, validator=_check_parent)
    name: str = attrs.field(default="", kw_only=True, validator=_check_str)
    form: PartyForm | None = attrs.field(default=None, kw_only=True, converter=_form)
    households: int = attrs.field(default=0, kw_only=True, converter=_int, validator=_check_count)
    party_members: int = attrs.field(
        default=0, kw_only=True, converter=_int, validator=_check_count
    )
    gridders: int = attrs.field(default=0, kw_only=True, converter=_int, validator=_check_count)
    attributes: Mapping[str, Any] = attrs.field(
        factory=dict, kw_only=True, converter=_attributes, hash=False
    )

    @property
    def label(self) -> str:
        """The name when there is one, otherwise the id."""
        return self.name or self.id

    def to_record(self) -> dict[str, Any]:
        """This unit as a record mapping (attributes only when present)."""
        record: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "tier": self.tier,
            "form": None if self.form is None else self.form.value,
            "parent": self.parent,
            "households": self.households,
            "party_members": self.party_members,
            "gridders": self.gridders,
        }
        if self.attributes:
            record["attributes"] = copy_json(self.attributes)
        return record

    def __repr__(self) -> str:
        parts = [repr(self.id), repr(self.tier)]
        if self.parent is not None:
            parts.append(f"parent={self.parent!r}")
        if self.name:
            parts.append(f"name={self.name!r}")
        if self.form is not None:
            parts.append(f"form={self.form.value!r}")
        parts.extend(
            f"{field}={getattr(self, field)}"
            for field in ("households", "party_members", "gridders")
            if getattr(self, field)
        )
        if self.attributes:
            parts.append(f"attributes={dict(self.attributes)!r}")
        return f"Unit({', '.join(parts)})"


_set = object.__setattr__


def trusted_unit(
    uid: str,
    tier: str,
    parent: str | None,
    name: str,
    form: PartyForm | None,
    households: int,
    party_members: int,
    gridders: int,
    attributes: dict[str, Any],
) -> Unit:
    """Build a ``Unit`` from values already validated by an organisation (no checks)."""
    unit = Unit.__new__(Unit)
    _set(unit, "id", uid)
    _set(unit, "tier", tier)
    _set(unit, "parent", parent)
    _set(unit, "name", name)
    _set(unit, "form", form)
    _set(unit, "households", households)
    _set(unit, "party_members", party_members)
    _set(unit, "gridders", gridders)
    _set(unit, "attributes", attributes)
    return unit
