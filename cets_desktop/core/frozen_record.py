"""Immutable value records without ``dataclasses``, for the modules the window's first paint imports.

A frozen ``@dataclass`` costs about 1.7 ms to define (it generates and ``exec``'s its methods) and
the ``dataclasses`` module about 3 ms to import; the first screen needs neither (issue #14,
bench/bench_gui_start.py). :class:`FrozenRecord` gives what those dataclasses gave their callers,
from the class's ``__slots__`` (the fields, in constructor order):

- equality by value with an instance of the very same class (``NotImplemented`` otherwise), and
  a hash of the field values (so equal records are equal dict keys);
- a repr like a dataclass's: ``Node(kind='year', enterprise_id=1, year=2026, filing_id=None)``;
- immutability: assigning or deleting an attribute raises :class:`FrozenRecordError`, an
  ``AttributeError`` as ``dataclasses.FrozenInstanceError`` is;
- ``__match_args__``, and copying/pickling through the constructor.

Each record writes its own ``__init__`` (fields set with :data:`set_field`): as fast as the
dataclass's generated one, faster than a generic loop over ``*args`` (records are made per
calendar card and per navigator row: bench/bench_live.py, bench/bench_scale.py).

Standard library only (``operator``, already imported by the interpreter's start).
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, ClassVar

set_field = object.__setattr__
"""``set_field(self, name, value)``: how a record's ``__init__`` sets its fields."""


def _slot_names(klass: type) -> tuple[str, ...]:
    slots = klass.__dict__.get("__slots__", ())
    return (slots,) if isinstance(slots, str) else tuple(slots)


class FrozenRecordError(AttributeError):
    """An attempt to assign or delete a field of a :class:`FrozenRecord`."""


class FrozenRecord:
    """Base of an immutable record; a subclass lists its fields in ``__slots__`` in the order of
    its ``__init__``'s parameters and sets each with :data:`set_field`."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _values: ClassVar[Any] = None
    """``_values(record)``: the field values as a tuple (an ``operator.attrgetter``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = tuple(name for klass in reversed(cls.__mro__) for name in _slot_names(klass))
        cls._fields = fields
        setattr(cls, "__match_args__", fields)  # noqa: B010 - mypy refuses the plain assignment
        if len(fields) == 1:
            single = attrgetter(fields[0])
            cls._values = staticmethod(lambda record: (single(record),))
        else:
            cls._values = staticmethod(attrgetter(*fields))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(self._values(self) == self._values(other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __repr__(self) -> str:
        values = self._values(self)
        inner = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, values, strict=True))
        return f"{self.__class__.__qualname__}({inner})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenRecordError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenRecordError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # copy.copy, copy.deepcopy and pickle rebuild the record through its constructor (the
        # default slot-state protocol would assign the fields, which a frozen record refuses).
        return (self.__class__, tuple(self._values(self)))
