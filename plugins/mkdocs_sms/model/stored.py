"""Pages as read, written as JSON and read back exactly, for the cache of pages on disk.

Plain JSON would turn a tuple into a list, a date into text and a mapping's number keys into text, and
the model would come back subtly different. Here every value is written by its exact type and comes back
as that type: text, numbers, true/false and null as themselves, a list as a JSON array, and everything
else as a JSON object of one tag. A mapping is written as the list of its pairs, so that no object in the
file is ever a mapping of the page; only the model's own classes (a fixed list) are built back, by name.
A value of any other type (a YAML set, binary data) raises :class:`Unstorable`: the page is not kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from mkdocs_sms.catalogue.levels import TargetLevels
from mkdocs_sms.model.assessment import Judgement, JudgementsFile
from mkdocs_sms.model.dates import Interval
from mkdocs_sms.model.document import Document, Page
from mkdocs_sms.model.target import Target
from mkdocs_sms.rules import Finding, Severity

_CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (Page, Document, Finding, Judgement, JudgementsFile, Target, TargetLevels, Interval)
}
# Each class's fields, in the order its constructor takes them.
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _CLASSES.values()}
assert all(f.init for cls in _CLASSES.values() for f in dataclasses.fields(cls)), "every field must be passed in"
assert not any(hasattr(cls, "__post_init__") or hasattr(cls, "__slots__") for cls in _CLASSES.values())


class Unstorable(ValueError):
    """A value the cache cannot write and read back as it is."""


# At most this many lists, mappings and other composite values are written for one value: far more than
# any page's front-matter holds, and far fewer than a YAML alias bomb (a few lines whose aliases nest a
# list in itself nine times over) stands for. The parsed page shares what its aliases name, so it is
# small in memory; written out, every alias would be written in full, billions of values.
LIMIT = 100_000


def encode(value: Any) -> Any:
    """``value`` as JSON data that :func:`decode` turns back into an equal value of the same types; raises
    :class:`Unstorable` for a value of another type or of more than :data:`LIMIT` composite values."""
    return _encode(value, [LIMIT])


def _encode(value: Any, left: list[int]) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    left[0] -= 1
    if left[0] < 0:
        raise Unstorable(f"more than {LIMIT:,} values (YAML aliases that nest?) are not kept")
    if kind is list:
        return [_encode(item, left) for item in value]
    if kind is tuple:
        return {"t": [_encode(item, left) for item in value]}
    if kind is dict:
        return {"m": [[_key(key, left), _encode(item, left)] for key, item in value.items()]}
    if kind is dt.date:
        return {"d": value.isoformat()}
    if kind is dt.datetime:
        return {"dt": value.isoformat()}
    if kind is Severity:
        return {"s": value.value}
    fields = _FIELDS.get(kind)
    if fields is None:
        raise Unstorable(f"a value of type {kind.__name__} cannot be kept")
    return {"c": [kind.__name__, *(_encode(getattr(value, name), left) for name in fields)]}


def _key(key: Any, left: list[int]) -> Any:
    """A mapping's key: one of the hashable values YAML gives keys."""
    if type(key) not in (str, int, bool, float, dt.date, dt.datetime) and key is not None:
        raise Unstorable(f"a key of type {type(key).__name__} cannot be kept")
    return _encode(key, left)


def _instance(value: list[Any]) -> Any:
    """One of the model's classes, from its name and its fields' values. The values were the fields of
    such an instance, so they are set as they are, without the dataclass's constructor (which sets a
    frozen instance's fields one call at a time: a third of reading 10,000 pages back)."""
    cls = _CLASSES[value[0]]
    instance: Any = object.__new__(cls)
    instance.__dict__.update(zip(_FIELDS[cls], value[1:], strict=True))  # ValueError unless each field has one
    return instance


# How each tag's value is built back; a mapping's list of [key, value] pairs makes a dict as it is.
_BUILDERS: dict[str, Any] = {
    "t": tuple, "m": dict, "d": dt.date.fromisoformat, "dt": dt.datetime.fromisoformat, "s": Severity, "c": _instance,
}  # fmt: skip


def _built(pairs: list[tuple[str, Any]]) -> Any:
    """The value one tagged JSON object stands for (called on the innermost first)."""
    if len(pairs) != 1:
        raise ValueError("not a value this cache writes")
    tag, value = pairs[0]
    return _BUILDERS[tag](value)


def dumps(value: Any) -> bytes:
    """``value`` as one line of JSON (line breaks in text are escaped)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def text_of(value: Any) -> str | None:
    """``value`` as JSON text that tells apart what ``==`` does not (1, 1.0 and true; a tuple and a
    list), for comparing the values pages were read with; None when it cannot be written."""
    try:
        return json.dumps(encode(value), separators=(",", ":"), ensure_ascii=False)
    except (ValueError, RecursionError):
        return None


def decode(text: str | bytes) -> Any:
    """The value :func:`encode` gave as JSON ``text``; raises ValueError (or TypeError, KeyError) on text
    this module did not write."""
    return json.loads(text, object_pairs_hook=_built)
