"""NamedTuples made on hot paths, without their constructor's Python frame.

`new_tuple(T, (field, ...))` makes the tuple `T(field, ...)` makes, without running the `__new__` that namedtuple
generates in Python (about 0.4 us of frame for a tuple that costs 0.1 us): a chargeback run or an import makes a
tuple per bill, line and destination, a hundred thousand of them. It checks neither the number of fields nor the
defaults, so every call gives all of T's fields in order (tests/unit/test_named_tuples_made_whole.py checks each
call that spells them out).
"""

from __future__ import annotations

new_tuple = tuple.__new__
