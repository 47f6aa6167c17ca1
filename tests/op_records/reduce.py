"""Records for reductions, scans, softmax (``_reduce.py`` & co.) and sorting (``_sort.py``).

Ops returning indices use ``distinct=True`` inputs so ties cannot make the index (or
the gradient's destination) ambiguous.
"""

from __future__ import annotations

import numpy as np
from op_db import FLOAT, FLOAT_INT, ErrorSample, OpInfo, Sample

F_I = ("float32", "int64")
F_I_B = ("float32", "int64", "bool")


def dims(m):
    """Full reduce, one dim (negative), a dims tuple with keepdim, 0-d, empty."""
    return [
        Sample(m((2, 3, 4))),
        Sample(m((2, 3, 4)), -1),
        Sample(m((2, 3, 4)), (0, 2), keepdim=True),
        Sample(m(()), 0, desc="0-d"),
        Sample(m((0, 3)), 1, desc="empty"),
    ]


def one_dim(m, distinct=False):
    return [
        Sample(m((3, 4), distinct=distinct), 1),
        Sample(m((3, 4), distinct=distinct), 0, True),
        Sample(m((), distinct=distinct), 0, desc="0-d"),
    ]


def distinct_dim(m):
    return one_dim(m, distinct=True)


def full_distinct(m):
    return [Sample(m((3, 4), distinct=True)), Sample(m((), distinct=True), desc="0-d")]


def var_samples(m):
    return [
        Sample(m((3, 4))),
        Sample(m((3, 4)), 1),
        Sample(m((3, 4)), 0, keepdim=True, correction=0),
        Sample(m((3, 4)), False, desc="unbiased=False"),
        Sample(m((3, 4)), (0, 1), True, True, desc="legacy dim, unbiased, keepdim"),
    ]


def scan(m):
    return [Sample(m((3, 4)), 1), Sample(m((3, 4)), 0), Sample(m(()), 0, desc="0-d")]


def _nan_rows(m):
    x = m((3, 4))
    if x.dtype.kind == "f":
        x[0, 1] = x[2, 3] = np.nan
    return x


REDUCTIONS = [
    OpInfo("sum", dims, dtypes=F_I_B, method=True),
    OpInfo(
        "sum_dtype", lambda m: [Sample(m((2, 3)), 1, dtype=_F64)], op="sum", dtypes=F_I
    ),  # fmt: skip
    OpInfo(
        "nansum", lambda m: [Sample(_nan_rows(m)), Sample(_nan_rows(m), 1)], method=True
    ),  # fmt: skip
    OpInfo("mean", dims, dtypes=("float32", "int64"), method=True),
    OpInfo(
        "mean_dtype",
        lambda m: [Sample(m((2, 3)), dtype=_F64)],
        op="mean",
        dtypes=("int64",),
    ),  # fmt: skip
    OpInfo(
        "nanmean", lambda m: [Sample(_nan_rows(m)), Sample(_nan_rows(m), 1)], dtypes=F_I
    ),  # fmt: skip
    OpInfo("var", var_samples, dtypes=("float32", "int64"), method=True),
    OpInfo("std", var_samples, method=True),
    OpInfo("var_mean", var_samples),
    OpInfo("std_mean", lambda m: var_samples(m)[:3]),
    OpInfo(
        "prod",
        lambda m: [
            Sample(m((3, 4), low=0.5, high=1.5)),
            Sample(m((3, 4)), 1),
            Sample(m((3, 4)), 0, True),
        ],
        dtypes=F_I_B,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "max",
        lambda m: full_distinct(m) + distinct_dim(m),
        dtypes=F_I_B,
        method=True,
        errors=lambda m: [
            ErrorSample(
                Sample(m((0, 3))),
                RuntimeError,
                "Expected reduction dim to be specified",
            )
        ],
    ),  # fmt: skip
    OpInfo(
        "min", lambda m: full_distinct(m) + distinct_dim(m), dtypes=F_I, method=True
    ),
    OpInfo(
        "max_binary",
        lambda m: [Sample(m((2, 3), distinct=True), m((3,)) + 0.001)],
        op="max",
    ),  # fmt: skip
    OpInfo(
        "max_values",
        lambda m: [Sample(m((3, 4), distinct=True), 1)],
        op=lambda lib, x, d: lib.max(x, d).values,
    ),  # fmt: skip
    OpInfo(
        "max_unpack",
        lambda m: [Sample(m((3, 4), distinct=True), 0)],
        op=lambda lib, x, d: tuple(reversed(tuple(x.max(d)))),
    ),  # fmt: skip
    OpInfo(
        "amax",
        lambda m: [
            Sample(m((3, 4), distinct=True)),
            Sample(m((2, 3, 4), distinct=True), (0, 2), True),
        ],
        dtypes=F_I,
        method=True,
    ),  # fmt: skip
    OpInfo("amin", lambda m: [Sample(m((3, 4), distinct=True), 1)], dtypes=F_I),
    OpInfo(
        "aminmax",
        lambda m: [
            Sample(m((3, 4), distinct=True)),
            Sample(m((3, 4), distinct=True), dim=1, keepdim=True),
        ],
        dtypes=F_I,
    ),  # fmt: skip
    OpInfo(
        "argmax",
        lambda m: [
            Sample(m((3, 4), distinct=True)),
            Sample(m((3, 4), distinct=True), 1),
            Sample(m((3, 4), distinct=True), keepdim=True),
        ],
        dtypes=F_I,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "argmin",
        lambda m: [Sample(m((3, 4), distinct=True), 0, True)],
        dtypes=F_I,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "logsumexp",
        lambda m: [Sample(m((3, 4)), 1), Sample(m((2, 3, 4)), (0, 2), True)],
        dtypes=F_I,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "count_nonzero",
        lambda m: [
            Sample(m((3, 4), "int64", 0, 2)),
            Sample(m((3, 4), "int64", 0, 2), 1),
        ],
        dtypes=F_I,
    ),  # fmt: skip
    OpInfo(
        "all",
        lambda m: [
            Sample(m((3, 4), "int64", 0, 2)),
            Sample(m((3, 4), "int64", 0, 2), 1, True),
        ],
        dtypes=("bool",),
        method=True,
    ),  # fmt: skip
    OpInfo(
        "any",
        lambda m: [
            Sample(m.bool((3, 4)) & m.bool((3, 4))),
            Sample(m.bool((3, 4)) & m.bool((3, 4)), 0),
        ],
        dtypes=("bool",),
        method=True,
    ),  # fmt: skip
    OpInfo(
        "norm",
        lambda m: [
            Sample(m((3, 4))),
            Sample(m((3, 4)), 1, 1),
            Sample(m((3, 4)), float("inf"), (0, 1)),
            Sample(m((3, 4)), 3, 0, True),
            Sample(m((3, 4)), "fro", 1),
        ],
        dtypes=FLOAT,
        method=True,
    ),  # fmt: skip
    OpInfo("dist", lambda m: [Sample(m((3, 4)), m((4,))), Sample(m((3,)), m((3,)), 1)]),
]

SCANS = [
    OpInfo("cumsum", scan, dtypes=F_I_B, method=True, inplace=True),
    OpInfo("cumprod", scan, dtypes=F_I, method=True),
    OpInfo(
        "cummax",
        lambda m: [Sample(m((3, 4), distinct=True), 1)],
        dtypes=F_I,
        method=True,
    ),  # fmt: skip
    OpInfo("cummin", lambda m: [Sample(m((3, 4), distinct=True), 0)], method=True),
    OpInfo(
        "cummax_ties",
        lambda m: [Sample(np.array([1, 3, 3, 2, 3, 0]), 0)],
        op="cummax",
        dtypes=("int64",),
    ),  # fmt: skip
    OpInfo("logcumsumexp", scan, method=True),
    OpInfo(
        "softmax",
        lambda m: [
            Sample(m((3, 4)), 1),
            Sample(m((3, 4)), 0),
            Sample(m(()), 0, desc="0-d"),
        ],
        dtypes=FLOAT,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "softmax_dtype",
        lambda m: [Sample(m((3, 4)), 1, dtype=_F64)],
        op="softmax",
        dtypes=("float32", "int64"),
    ),  # fmt: skip
    OpInfo(
        "log_softmax",
        lambda m: [Sample(m((3, 4)), -1), Sample(m((2, 3, 4)), 1)],
        dtypes=FLOAT,
        method=True,
    ),  # fmt: skip
]


def _tie_median(m):
    return [Sample(np.array([1.0, 2.0, 2.0, 1.0, 3.0, 3.0], m.dtype), 0)]


SORTING = [
    OpInfo(
        "sort",
        lambda m: [
            Sample(m((3, 4), distinct=True)),
            Sample(m((3, 4), distinct=True), 0, True),
            Sample(m((), distinct=True), desc="0-d"),
        ],
        dtypes=F_I,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "sort_stable_ties",
        lambda m: [
            Sample(m((8,), "int64", 0, 3), stable=True),
            Sample(m((8,), "int64", 0, 3), stable=True, dim=0, descending=True),
        ],
        op="sort",
        dtypes=("int64",),
    ),  # fmt: skip
    OpInfo(
        "argsort",
        lambda m: [Sample(m((3, 4), distinct=True), 0, True)],
        dtypes=F_I,
        method=True,
    ),  # fmt: skip
    OpInfo("msort", lambda m: [Sample(m((3, 4), distinct=True))]),
    OpInfo(
        "topk",
        lambda m: [
            Sample(m((3, 5), distinct=True), 2),
            Sample(m((3, 5), distinct=True), 2, 0, False),
        ],
        dtypes=F_I,
        method=True,
        errors=lambda m: [
            ErrorSample(
                Sample(m((3,)), 4), RuntimeError, "selected index k out of range"
            )
        ],
    ),  # fmt: skip
    OpInfo(
        "kthvalue",
        lambda m: [
            Sample(m((3, 5), distinct=True), 2),
            Sample(m((3, 5), distinct=True), 1, 0, True),
        ],
        dtypes=F_I,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "median",
        lambda m: [
            Sample(m((3, 5), distinct=True)),
            Sample(m((3, 4), distinct=True)),
            Sample(m((3, 4), distinct=True), 1),
            Sample(m((3, 5), distinct=True), 0, True),
        ],
        dtypes=F_I,
        method=True,
    ),  # fmt: skip
    OpInfo("median_ties", _tie_median, op="median", grad=False),
    OpInfo("median_nan", lambda m: [Sample(_nan_rows(m), 1)], op="median", grad=False),
    OpInfo(
        "nanmedian",
        lambda m: [Sample(_nan_rows(m), 1), Sample(_nan_rows(m))],
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "mode",
        lambda m: [
            Sample(np.array([1, 2, 2, 1, 3], m.dtype)),
            Sample(m((3, 6), "int64", 0, 3).astype(m.dtype), 1),
        ],
        dtypes=("int64", "float32"),
        method=True,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "unique",
        lambda m: [
            Sample(m((10,), "int64", 0, 4)),
            Sample(m((3, 4), "int64", 0, 4), return_inverse=True, return_counts=True),
            Sample(m((4, 2), "int64", 0, 2), dim=0, return_counts=True),
        ],
        dtypes=("int64",),
        method=True,
    ),  # fmt: skip
    OpInfo(
        "unique_consecutive",
        lambda m: [
            Sample(
                np.array([1, 1, 2, 2, 3, 1, 1]), return_inverse=True, return_counts=True
            ),
            Sample(np.array([[1, 1], [1, 1], [2, 3]]), dim=0),
        ],
        dtypes=("int64",),
    ),  # fmt: skip
    OpInfo(
        "searchsorted",
        lambda m: [
            Sample(np.sort(m((6,), distinct=True)), m((2, 3))),
            Sample(np.sort(m((2, 6), distinct=True), -1), m((2, 3)), right=True),
            Sample(
                np.arange(5).astype(m.dtype), np.arange(5).astype(m.dtype), side="right"
            ),
        ],
        dtypes=F_I,
    ),  # fmt: skip
    OpInfo(
        "bucketize",
        lambda m: [
            Sample(m((2, 3)), np.sort(m((5,), distinct=True))),
            Sample(
                np.arange(4).astype(m.dtype), np.arange(4).astype(m.dtype), right=True
            ),
        ],
        dtypes=F_I,
    ),  # fmt: skip
    OpInfo(
        "histc",
        lambda m: [Sample(m((20,)), bins=5), Sample(m((4, 5)), bins=4, min=-1, max=1)],
        grad=False,
        dtypes=("float32", "int64"),
    ),  # fmt: skip
]

_F64 = None  # replaced below: dtype objects differ per library


def _with_dtype(info: OpInfo) -> OpInfo:
    """``dtype=`` needs each library's own dtype object: swap it in at call time."""
    name = info.op if isinstance(info.op, str) else info.name

    def call(lib, *args, **kwargs):
        if "dtype" in kwargs:
            kwargs["dtype"] = lib.float64
        return getattr(lib, name)(*args, **kwargs)

    info.op = call
    return info


RECORDS = [
    _with_dtype(r) if r.name.endswith("_dtype") else r
    for r in REDUCTIONS + SCANS + SORTING
]
_ = FLOAT_INT
