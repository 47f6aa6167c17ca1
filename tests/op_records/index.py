"""Records for indexing ops (``_ops/_index.py``, ``_ops/_scatter.py``).

Index arrays are int64/bool numpy arrays (never differentiated). Samples whose indices
repeat a position are ``grad=True`` only where PyTorch's gradient is well defined
(gather/index_select accumulate; ``scatter`` with duplicates is ``grad=False``).
"""

from __future__ import annotations

import numpy as np
from op_db import ErrorSample, OpInfo, Sample

FI = ("float32", "int64")
I = np.array  # noqa: E741


def _get(name, index, shape=(2, 3, 4), arrays=lambda m: (), dtypes=FI):
    return OpInfo(
        f"getitem_{name}",
        op=lambda lib, x, *a: x[index(*a)],
        samples=lambda m: [Sample(m(shape), *arrays(m))],
        dtypes=dtypes,
    )


def _set(name, index, value_shape, shape=(2, 3, 4), arrays=lambda m: ()):
    def op(lib, x, v, *a):
        y = x * 1  # a non-leaf copy, so the write is differentiable w.r.t. x and v
        y[index(*a)] = v
        return y

    return OpInfo(
        f"setitem_{name}",
        op=op,
        samples=lambda m: [Sample(m(shape), m(value_shape), *arrays(m))],
    )


def _set_scalar(name, index, shape=(2, 3, 4), arrays=lambda m: ()):
    def op(lib, x, *a):
        y = x * 1
        y[index(*a)] = 2.5
        return y

    return OpInfo(
        f"setitem_scalar_{name}",
        op=op,
        samples=lambda m: [Sample(m(shape), *arrays(m))],
    )  # noqa: E501


_mask = lambda m: (m.bool((2, 3)),)  # noqa: E731
_ints = lambda m: (I([1, 0, 1]), I([2, 2, 0]))  # noqa: E731

RECORDS = [
    _get("int", lambda: 1),
    _get("neg_int", lambda: (-1, 0)),
    _get("slice", lambda: (slice(None), slice(1, 3))),
    _get("step", lambda: (Ellipsis, slice(None, None, 2))),
    _get("none", lambda: (None, 0, None)),
    _get("ellipsis", lambda: (Ellipsis, 1)),
    _get("bool_true", lambda: True),
    _get("bool_false", lambda: False),
    _get("list", lambda: [1, 0, 1]),
    _get("tensor", lambda i: i, arrays=lambda m: (I([[0, 1], [1, 1]]),)),
    _get(
        "two_arrays", lambda i, j: (i, j), arrays=lambda m: (I([1, 0, 1]), I([2, 2, 0]))
    ),
    _get("split_arrays", lambda i, j: (i, slice(None), j), arrays=_ints),
    _get("int_and_array", lambda j: (0, slice(None), j), arrays=lambda m: (I([3, 1]),)),
    _get("slice_array", lambda j: (slice(1, None), j), arrays=lambda m: (I([2, 0]),)),
    _get("none_array", lambda j: (None, j), arrays=lambda m: (I([1, -1]),)),
    _get("mask", lambda mk: mk, arrays=_mask),
    _get("mask_last", lambda mk: (Ellipsis, mk), arrays=lambda m: (m.bool((3, 4)),)),
    _get("mask_1d", lambda mk: (0, mk), arrays=lambda m: (m.bool((3,)),)),
    _get("empty_list", lambda: ([],)),
    _set("int", lambda: 1, (3, 4)),
    _set("slice_bcast", lambda: (slice(None), 1), (4,)),
    _set("step", lambda: (Ellipsis, slice(1, None, 2)), (2, 3, 2)),
    _set("array", lambda i, j: (i, j), (3, 4), arrays=_ints),
    _set("split_arrays", lambda i, j: (i, slice(None), j), (3, 3), arrays=_ints),
    _set("mask", lambda mk: mk, (4,), arrays=_mask),
    _set("leading_one", lambda: 0, (1, 3, 4)),
    _set_scalar("int", lambda: (0, 1)),
    _set_scalar("mask", lambda mk: mk, arrays=_mask),
    _set_scalar("array", lambda i: i, arrays=lambda m: (I([1, 1]),)),
    OpInfo(
        "getitem_errors",
        op=lambda lib, x, idx: x[idx],
        samples=lambda m: [],
        errors=lambda m: [
            ErrorSample(
                Sample(m((2, 3)), 5),
                IndexError,
                "index 5 is out of bounds for dimension 0 with size 2",
            ),  # noqa: E501
            ErrorSample(
                Sample(m((2, 3)), (0, 0, 0)),
                IndexError,
                "too many indices for tensor of dimension 2",
            ),  # noqa: E501
            ErrorSample(
                Sample(m((2, 3)), slice(None, None, -1)),
                ValueError,
                "step must be greater than zero",
            ),  # noqa: E501
            ErrorSample(Sample(m((2, 3)), I([0, 4])), IndexError, "out of bounds"),
        ],
    ),
    OpInfo(
        "setitem_shape_error",
        op=lambda lib, x, v: x.__setitem__((slice(None), 0), v),
        samples=lambda m: [],
        errors=lambda m: [
            ErrorSample(
                Sample(m((2, 3)), m((3,))),
                RuntimeError,
                r"shape mismatch: value tensor of shape \[3\] cannot be broadcast to indexing result of shape \[2\]",
            ),  # noqa: E501
        ],
    ),
    OpInfo(
        "gather",
        samples=lambda m: [
            Sample(m((3, 4)), 0, I([[0, 1, 2, 0], [2, 2, 1, 0]])),
            Sample(m((3, 4)), 1, I([[0, 3], [1, 1], [2, 0]])),
            Sample(m((3, 4)), -1, I([[0], [3]])),
        ],
        dtypes=FI,
        method=True,
        errors=lambda m: [
            ErrorSample(
                Sample(m((3, 4)), 0, I([[5]])),
                (RuntimeError, IndexError),
                "out of bounds",
            ),  # noqa: E501
        ],
    ),
    OpInfo(
        "scatter",
        samples=lambda m: [
            # src larger than index: PyTorch's own backward rejects its src gradient.
            Sample(m((3, 4)), 0, I([[0, 1, 2, 0]]), m((2, 4)), grad=False),
            Sample(m((3, 4)), 1, I([[0, 3], [1, 2]]), m((2, 3)), grad=False),
            Sample(m((3, 4)), 1, I([[0, 3], [1, 2]]), m((2, 2))),
            Sample(m((3, 4)), 1, I([[0, 3], [1, 2]]), value=1.5),
            Sample(
                m((3, 4)), 0, I([[0, 0, 1, 2]]), m((1, 4)), reduce="add", grad=False
            ),
        ],
        method=True,
        inplace=True,
    ),
    OpInfo(
        "scatter_add",
        samples=lambda m: [
            Sample(m((3, 4)), 0, I([[0, 0, 2, 0], [1, 0, 2, 2]]), m((2, 4))),
            Sample(m((3, 4)), 1, I([[0, 3], [1, 1]]), m((2, 3)), grad=False),
            Sample(m((3, 4)), 1, I([[0, 3], [1, 1]]), m((2, 2))),
        ],
        dtypes=FI,
        method=True,
        inplace=True,
    ),
    OpInfo(
        "scatter_reduce",
        samples=lambda m: (
            [
                Sample(
                    m((3, 4)),
                    0,
                    I([[0, 0, 2, 0], [1, 0, 2, 2]]),
                    m((2, 4)),
                    r,
                    include_self=inc,
                )  # noqa: E501
                for r in ("sum", "mean", "amax", "amin")
                for inc in (True, False)
            ]
            + [Sample(m((3, 4)), 0, I([[0, 0, 2, 0]]), m((1, 4)), "prod", grad=False)]
        ),
        method=True,
        inplace=True,
    ),
    OpInfo(
        "scatter_reduce_int",
        op="scatter_reduce",
        samples=lambda m: [
            Sample(
                m((3, 4)),
                0,
                I([[0, 0, 2, 0], [1, 0, 2, 2]]),
                m((2, 4)),
                r,
                include_self=inc,
            )  # noqa: E501
            for r in ("sum", "prod", "mean", "amax", "amin")
            for inc in (True, False)
        ],
        dtypes=("int64",),
    ),  # fmt: skip
    OpInfo(
        "index_select",
        samples=lambda m: [
            Sample(m((3, 4)), 0, I([2, 0, 2])),
            Sample(m((3, 4)), 1, I([3])),
            Sample(m((3, 4)), -1, I(1)),
        ],
        dtypes=FI,
        method=True,
    ),
    OpInfo(
        "index_add",
        samples=lambda m: [
            Sample(m((3, 4)), 0, I([2, 0, 2]), m((3, 4))),
            Sample(m((3, 4)), 1, I([3, 1]), m((3, 2)), alpha=2),
        ],
        dtypes=FI,
        method=True,
        inplace=True,
    ),
    OpInfo(
        "index_copy",
        samples=lambda m: [Sample(m((3, 4)), 1, I([3, 0]), m((3, 2)))],
        method=True,
        inplace=True,
    ),  # noqa: E501
    OpInfo(
        "index_fill",
        samples=lambda m: [Sample(m((3, 4)), 1, I([3, 0]), -1.0)],
        method=True,
        inplace=True,
    ),  # noqa: E501
    OpInfo(
        "index_put",
        samples=lambda m: [
            Sample(m((3, 4)), (I([0, 2]), I([1, 3])), m((2,))),
            Sample(m((3, 4)), (I([0, 0]),), m((4,)), True),
        ],
        method=True,
        inplace=True,
    ),
    OpInfo(
        "masked_fill",
        samples=lambda m: [
            Sample(m((3, 4)), m.bool((3, 4)), 2.0),
            Sample(m((3, 4)), m.bool((4,)), -1.0),
            Sample(m((3, 4)), m.bool((3, 1)), m(())),
        ],
        dtypes=FI,
        method=True,
        inplace=True,
    ),
    OpInfo(
        "masked_scatter",
        samples=lambda m: [
            Sample(m((3, 4)), m.bool((3, 4)), m((12,))),
            Sample(m((3, 4)), m.bool((4,)), m((3, 5))),
        ],
        method=True,
        inplace=True,
    ),
    OpInfo(
        "masked_select",
        samples=lambda m: [
            Sample(m((3, 4)), m.bool((3, 4))),
            Sample(m((3, 4)), m.bool((4,))),
        ],
        dtypes=FI,
        method=True,
    ),
    OpInfo(
        "take",
        samples=lambda m: [Sample(m((3, 4)), I([[0, 11], [-1, 5]]))],
        dtypes=FI,
        method=True,
    ),  # noqa: E501
    OpInfo(
        "take_along_dim",
        samples=lambda m: [
            Sample(m((3, 4)), I([[0, 3], [1, 1], [2, 0]]), 1),
            Sample(m((3, 4)), I([[0], [2]]).reshape(1, 2), 0),
            Sample(m((3, 4)), I([0, 7])),
        ],
        method=True,
    ),
    OpInfo(
        "put",
        samples=lambda m: [
            Sample(m((3, 4)), I([0, 11, 5]), m((3,))),
            Sample(m((3, 4)), I([0, 0]), m((2,)), accumulate=True),
        ],
        method=True,
        inplace=True,
    ),
    OpInfo(
        "nonzero",
        samples=lambda m: [Sample(m((3, 4))), Sample(m((0, 2)))],
        dtypes=FI,
        method=True,
    ),  # noqa: E501
    OpInfo(
        "nonzero_tuple",
        op=lambda lib, x: lib.nonzero(x, as_tuple=True),
        samples=lambda m: [Sample(m((3, 4)))],
        dtypes=FI,
    ),  # fmt: skip
    OpInfo("argwhere", samples=lambda m: [Sample(m((3, 4)))], dtypes=FI, method=True),
    OpInfo(
        "where_cond",
        op=lambda lib, c: lib.where(c),
        samples=lambda m: [Sample(m.bool((3, 4)))],
        dtypes=FI,
    ),  # noqa: E501
    OpInfo(
        "contains",
        op=lambda lib, x: (1 in x, 100 in x),
        samples=lambda m: [Sample(m((3, 4)))],
        dtypes=("int64",),
    ),  # fmt: skip
]
