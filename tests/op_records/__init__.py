"""Op records by area; ``RECORDS`` is their concatenation (see ``tests/op_db.py``)."""

from op_records import index, legacy, linalg, namespace, pointwise, reduce, shape

RECORDS: list = [
    *pointwise.RECORDS,
    *reduce.RECORDS,
    *linalg.RECORDS,
    *shape.RECORDS,
    *index.RECORDS,
    *namespace.RECORDS,
    *legacy.RECORDS,
]
