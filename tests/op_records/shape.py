"""Records for the shape ops (``_ops/_reshape.py``, ``_join.py``, ``_reorder.py``)."""

from __future__ import annotations

from op_db import ALL, FLOAT, ErrorSample, OpInfo, Sample

FI = ("float32", "int64")


RECORDS = [
    OpInfo(
        "view",
        op=lambda lib, x, *s: x.view(*s),
        samples=lambda m: [
            Sample(m((2, 3)), 3, 2),
            Sample(m((2, 3)), -1),
            Sample(m((2, 3, 4)), (4, -1)),
            Sample(m(()), 1, 1),
            Sample(m((0, 3)), -1, 0),
        ],
        dtypes=FI,
        errors=lambda m: [
            ErrorSample(
                Sample(m((2, 3)), 2, 5),
                RuntimeError,
                r"shape '\[2, 5\]' is invalid for input of size 6",
            ),  # noqa: E501
            ErrorSample(
                Sample(m((2, 3)), -1, -1),
                RuntimeError,
                "only one dimension can be inferred",
            ),  # noqa: E501
        ],
    ),
    OpInfo(
        "view_t",
        op=lambda lib, x, *s: x.t().view(*s),
        samples=lambda m: [Sample(m((2, 3)), 3, 2), Sample(m((1, 3)), 3)],
        errors=lambda m: [
            ErrorSample(
                Sample(m((2, 3)), 6), RuntimeError, "view size is not compatible"
            ),
        ],
    ),
    OpInfo(
        "view_dtype",
        op=lambda lib, x: x.view(lib.int32),
        samples=lambda m: [Sample(m((2, 3)), grad=False)],
    ),
    OpInfo(
        "view_as",
        op=lambda lib, x, y: x.view_as(y),
        samples=lambda m: [Sample(m((2, 3)), m((3, 2)))],
    ),  # fmt: skip
    OpInfo(
        "reshape",
        samples=lambda m: [
            Sample(m((2, 3)), (3, 2)),
            Sample(m((2, 3, 4)), (-1,)),
            Sample(m(()), (1,)),
            Sample(m((4,)), (2, 2)),
        ],
        dtypes=FI,
        method=True,
    ),
    OpInfo(
        "reshape_t",
        op=lambda lib, x: x.t().reshape(6),
        samples=lambda m: [Sample(m((2, 3)))],
    ),  # fmt: skip
    OpInfo(
        "reshape_as",
        op=lambda lib, x, y: x.reshape_as(y),
        samples=lambda m: [Sample(m((2, 3)), m((6,)))],
    ),  # fmt: skip
    OpInfo(
        "permute",
        samples=lambda m: [Sample(m((2, 3, 4)), (2, 0, 1)), Sample(m((2, 3)), (-1, 0))],
        dtypes=FI,
        method=True,
        errors=lambda m: [ErrorSample(Sample(m((2, 3)), (0,)), RuntimeError, "")],
    ),
    OpInfo(
        "transpose",
        samples=lambda m: [Sample(m((2, 3, 4)), 0, 2), Sample(m((2, 3)), -1, -2)],
        dtypes=FI,
        method=True,
    ),
    OpInfo("swapaxes", samples=lambda m: [Sample(m((2, 3, 4)), 0, 1)], method=True),
    OpInfo("swapdims", samples=lambda m: [Sample(m((2, 3, 4)), 2, 1)], method=True),
    OpInfo(
        "t",
        samples=lambda m: [Sample(m((2, 3))), Sample(m((3,))), Sample(m(()))],
        method=True,
        errors=lambda m: [
            ErrorSample(
                Sample(m((2, 3, 4))),
                RuntimeError,
                r"t\(\) expects a tensor with <= 2 dimensions, but self is 3D",
            ),  # noqa: E501
        ],
    ),
    OpInfo("T", op=lambda lib, x: x.T, samples=lambda m: [Sample(m((2, 3)))]),
    OpInfo("mT", op=lambda lib, x: x.mT, samples=lambda m: [Sample(m((4, 2, 3)))]),
    OpInfo("H", op=lambda lib, x: x.H, samples=lambda m: [Sample(m((2, 3)))]),
    OpInfo("mH", op=lambda lib, x: x.mH, samples=lambda m: [Sample(m((4, 2, 3)))]),
    OpInfo("adjoint", samples=lambda m: [Sample(m((4, 2, 3)))]),
    OpInfo(
        "flatten",
        samples=lambda m: [
            Sample(m((2, 3, 4))),
            Sample(m((2, 3, 4)), 1),
            Sample(m((2, 3, 4, 5)), 1, 2),
            Sample(m(())),
        ],
        dtypes=FI,
        method=True,
    ),
    OpInfo(
        "unflatten",
        samples=lambda m: [Sample(m((2, 12)), 1, (3, -1)), Sample(m((6,)), 0, (2, 3))],
        method=True,
    ),  # noqa: E501
    OpInfo(
        "squeeze",
        samples=lambda m: [
            Sample(m((1, 3, 1))),
            Sample(m((1, 3, 1)), 0),
            Sample(m((1, 3, 1)), (0, 2)),
            Sample(m((2, 3)), 1),
            Sample(m(())),
        ],
        dtypes=FI,
        method=True,
        inplace=True,
    ),
    OpInfo(
        "unsqueeze",
        samples=lambda m: [
            Sample(m((2, 3)), 0),
            Sample(m((2, 3)), -1),
            Sample(m(()), 0),
        ],
        dtypes=FI,
        method=True,
        inplace=True,
    ),
    OpInfo(
        "expand",
        op=lambda lib, x, *s: x.expand(*s),
        samples=lambda m: [
            Sample(m((3, 1)), 3, 4),
            Sample(m((3, 1)), 2, -1, 4),
            Sample(m(()), (2, 2)),
        ],
        errors=lambda m: [
            ErrorSample(
                Sample(m((3,)), 2, 4),
                RuntimeError,
                r"The expanded size of the tensor \(4\) must match the existing size \(3\) at non-singleton dimension 1",
            ),  # noqa: E501
            ErrorSample(Sample(m((2, 3)), 3), RuntimeError, "must be greater or equal"),
        ],
    ),
    OpInfo(
        "expand_as",
        op=lambda lib, x, y: x.expand_as(y),
        samples=lambda m: [Sample(m((3, 1)), m((2, 3, 4)))],
    ),  # fmt: skip
    OpInfo(
        "broadcast_to", samples=lambda m: [Sample(m((3, 1)), (2, 3, 4))], method=True
    ),
    OpInfo("broadcast_tensors", samples=lambda m: [Sample(m((3, 1)), m((4,)), m(()))]),
    OpInfo(
        "repeat",
        op=lambda lib, x, *s: x.repeat(*s),
        samples=lambda m: [
            Sample(m((2, 3)), 2, 1),
            Sample(m((3,)), 2, 2),
            Sample(m(()), 3),
        ],
        dtypes=FI,
    ),
    OpInfo(
        "tile",
        samples=lambda m: [Sample(m((2, 3)), (2,)), Sample(m((3,)), (2, 2))],
        method=True,
    ),  # noqa: E501
    OpInfo(
        "repeat_interleave",
        samples=lambda m: [
            Sample(m((2, 3)), 2),
            Sample(m((2, 3)), 2, 1),
            Sample(m((2, 3)), m.int((3,), 0, 3), 1),
            Sample(m((2, 3)), m.int((1,), 1, 3), 0),
        ],
        method=True,
    ),
    OpInfo(
        "cat",
        samples=lambda m: [
            Sample([m((2, 3)), m((4, 3))]),
            Sample([m((2, 3)), m((2, 1))], 1),
            Sample([m((2, 3)), m((0,))], desc="legacy-empty"),
            Sample((m((2, 3)), m((2, 3), "float64")), -1, desc="promote"),
        ],
        dtypes=FI,
        errors=lambda m: [
            ErrorSample(
                Sample([m((2, 2)), m((3, 3))], 1),
                RuntimeError,
                r"Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list.",
            ),  # noqa: E501
            ErrorSample(Sample([m(())]), RuntimeError, "zero-dimensional"),
        ],
    ),
    OpInfo("concat", samples=lambda m: [Sample([m((2, 3)), m((2, 3))], 1)]),
    OpInfo("concatenate", samples=lambda m: [Sample([m((2, 3)), m((2, 3))], 0)]),
    OpInfo(
        "stack",
        samples=lambda m: [
            Sample([m((2, 3)), m((2, 3))]),
            Sample([m((2, 3)), m((2, 3))], -1),
            Sample([m(()), m(())]),
        ],
        dtypes=FI,
        errors=lambda m: [
            ErrorSample(
                Sample([m((2, 3)), m((2, 4))]),
                RuntimeError,
                "stack expects each tensor to be equal size",
            ),  # noqa: E501
        ],
    ),
    OpInfo(
        "hstack",
        samples=lambda m: [Sample([m((2, 3)), m((2, 1))]), Sample([m((2,)), m((3,))])],
    ),  # noqa: E501
    OpInfo("vstack", samples=lambda m: [Sample([m((2, 3)), m((3,))])]),
    OpInfo("row_stack", samples=lambda m: [Sample([m((3,)), m((3,))])]),
    OpInfo("dstack", samples=lambda m: [Sample([m((2, 3)), m((2, 3, 2))])]),
    OpInfo("column_stack", samples=lambda m: [Sample([m((3,)), m((3, 2))])]),
    OpInfo(
        "split",
        samples=lambda m: [
            Sample(m((5, 3)), 2),
            Sample(m((5, 3)), [1, 4]),
            Sample(m((5, 3)), 1, 1),
        ],
        dtypes=FI,
        method=True,
    ),
    OpInfo(
        "chunk",
        samples=lambda m: [Sample(m((5, 3)), 3), Sample(m((5, 6)), 4, 1)],
        method=True,
    ),  # noqa: E501
    OpInfo(
        "unbind",
        samples=lambda m: [Sample(m((3, 2))), Sample(m((3, 2)), 1)],
        method=True,
    ),  # noqa: E501
    OpInfo(
        "tensor_split",
        samples=lambda m: [
            Sample(m((7, 3)), 3),
            Sample(m((7, 3)), [1, 5]),
            Sample(m((2, 7)), (2, 9), 1),
        ],
        method=True,
    ),
    OpInfo(
        "narrow",
        samples=lambda m: [Sample(m((4, 3)), 0, 1, 2), Sample(m((4, 3)), -1, 1, 2)],
        method=True,
        errors=lambda m: [
            ErrorSample(
                Sample(m((4, 3)), 1, 2, 2),
                RuntimeError,
                r"start \(2\) \+ length \(2\) exceeds dimension size \(3\)",
            ),  # noqa: E501
        ],
    ),
    OpInfo(
        "select",
        samples=lambda m: [Sample(m((4, 3)), 0, 1), Sample(m((4, 3)), 1, -1)],
        method=True,
        errors=lambda m: [
            ErrorSample(Sample(m((4, 3)), 1, 3), IndexError, "out of range")
        ],
    ),
    OpInfo(
        "flip",
        samples=lambda m: [Sample(m((2, 3, 4)), (0, 2)), Sample(m((3,)), [0])],
        method=True,
        dtypes=ALL,
    ),  # noqa: E501
    OpInfo("fliplr", samples=lambda m: [Sample(m((2, 3)))], method=True),
    OpInfo("flipud", samples=lambda m: [Sample(m((2, 3)))], method=True),
    OpInfo(
        "roll",
        samples=lambda m: [
            Sample(m((3, 4)), 1),
            Sample(m((3, 4)), (1, -2), (0, 1)),
            Sample(m((3, 4)), 5, 1),
        ],
        method=True,
    ),
    OpInfo(
        "rot90",
        samples=lambda m: [
            Sample(m((2, 3))),
            Sample(m((2, 3, 4)), 2, (1, 2)),
            Sample(m((2, 3)), -1),
        ],
        method=True,
    ),  # noqa: E501
    OpInfo(
        "tril",
        samples=lambda m: [
            Sample(m((3, 4))),
            Sample(m((2, 3, 4)), 1),
            Sample(m((3, 4)), -1),
        ],  # noqa: E501
        dtypes=FI,
        method=True,
        inplace=True,
    ),
    OpInfo(
        "triu",
        samples=lambda m: [
            Sample(m((3, 4))),
            Sample(m((2, 3, 4)), 1),
            Sample(m((3, 4)), -2),
        ],  # noqa: E501
        dtypes=FI,
        method=True,
        inplace=True,
    ),
    OpInfo(
        "diagonal",
        samples=lambda m: [
            Sample(m((3, 4))),
            Sample(m((2, 3, 4)), 1, 1, 2),
            Sample(m((3, 4)), -1),
        ],
        method=True,
    ),  # noqa: E501
    OpInfo(
        "diag_embed",
        samples=lambda m: [
            Sample(m((2, 3))),
            Sample(m((2, 3)), 1, 0, 2),
            Sample(m((3,)), -1),
        ],
        method=True,
    ),  # noqa: E501
    OpInfo(
        "movedim",
        samples=lambda m: [
            Sample(m((2, 3, 4)), 0, 2),
            Sample(m((2, 3, 4)), (0, 1), (2, 0)),
        ],
        method=True,
    ),
    OpInfo("moveaxis", samples=lambda m: [Sample(m((2, 3, 4)), -1, 0)], method=True),
    OpInfo("atleast_1d", samples=lambda m: [Sample(m(())), Sample(m((2, 3)))]),
    OpInfo("atleast_2d", samples=lambda m: [Sample(m(())), Sample(m((3,)))]),
    OpInfo("atleast_3d", samples=lambda m: [Sample(m((3,))), Sample(m((2, 3)))]),
    OpInfo(
        "meshgrid",
        samples=lambda m: [
            Sample(m((3,)), m((4,)), indexing="ij"),
            Sample(m((3,)), m((4,)), m((2,)), indexing="xy"),
        ],
    ),
    OpInfo(
        "contiguous",
        op=lambda lib, x: x.t().contiguous(),
        samples=lambda m: [Sample(m((2, 3)))],
    ),  # noqa: E501
    # 0-d samples only in float/int dtypes: ``Maker`` gives a numpy scalar for 0-d bools.
    OpInfo(
        "clone",
        samples=lambda m: [Sample(m((2, 3))), Sample(m((0,)))],
        method=True,
        dtypes=ALL,
    ),  # noqa: E501
    OpInfo(
        "type_as",
        op=lambda lib, x, y: x.type_as(y),
        samples=lambda m: [Sample(m((2, 3)), m((1,), "float64"))],
        dtypes=FLOAT,
    ),  # fmt: skip
    OpInfo("broadcast_shapes", samples=lambda m: [Sample((2, 1), (3,), 1)], grad=False),
]
