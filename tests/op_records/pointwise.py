"""Records for the elementwise ops (``_ops/_pointwise.py``, ``_ops/_ternary.py``)."""

from __future__ import annotations

from op_db import FLOAT_INT, OpInfo, Sample


def _binary(m):
    return [
        Sample(m((2, 3)), m((2, 3))),
        Sample(m((4, 1, 3)), m((2, 1)), desc="broadcast"),
        Sample(m(()), m((3,)), desc="0-d"),
        Sample(m((0, 3)), m((3,)), desc="empty"),
    ]


RECORDS = [
    OpInfo("add", _binary, dtypes=FLOAT_INT, method=True, inplace=True),
]
