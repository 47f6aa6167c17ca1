"""Records for the legacy linalg forms (``torch.svd``, ``torch.lu``...), window
functions, ``torch.gradient`` and PyTorch's alias names (``_ops/_linalg_legacy.py``,
``_windows.py``, ``_stats.py``, ``_aliases.py``)."""

from __future__ import annotations

import numpy as np
from op_db import FLOAT, FLOAT_INT, Const, ErrorSample, OpInfo, Sample


def _spd(m, n, batch=()):
    a = m(batch + (n, n))
    return np.asarray(a @ np.swapaxes(a, -1, -2) + n * np.eye(n, dtype=a.dtype))


def _well_conditioned(m, n, batch=()):
    return np.asarray(
        m(batch + (n, n), low=-0.5, high=0.5) + 2 * np.eye(n, dtype=m.dtype)
    )


def _svd_check(lib, out):
    u, s, v = out
    k = s.shape[-1]
    return (s, (u[..., :, :k] * s.unsqueeze(-2)) @ v[..., :, :k].mT)


def _qr_check(lib, out):
    q, r = out
    return (q @ r, r.abs())


def _lu_check(lib, out):
    p, low, up = out
    return (p, low, up)


LINALG = [
    OpInfo(
        "svd",
        lambda m: [Sample(m((4, 3))), Sample(m((2, 3, 5)), False)],
        dtypes=FLOAT,
        method=True,
        compare=_svd_check,
        grad=False,  # factors' gradients depend on their signs: see svd_reconstruct
    ),  # fmt: skip
    OpInfo(
        "svd_reconstruct",
        lambda m: [Sample(m((4, 3)))],
        op=lambda lib, a: _svd_check(lib, lib.svd(a)),
    ),  # fmt: skip
    OpInfo(
        "svd_no_uv",
        lambda m: [Sample(m((4, 3)))],
        grad=False,
        op=lambda lib, a: lib.svd(a, compute_uv=False),
    ),  # fmt: skip
    OpInfo(
        "qr",
        lambda m: [Sample(m((4, 3))), Sample(m((3, 4)), False)],
        method=True,
        compare=_qr_check,
        grad=False,  # factors' gradients depend on their signs: see qr_reconstruct
    ),  # fmt: skip
    OpInfo(
        "qr_reconstruct",
        lambda m: [Sample(m((4, 3)))],
        op=lambda lib, a: lib.qr(a)[0] @ lib.qr(a)[1],
    ),  # fmt: skip
    OpInfo(
        "cholesky",
        lambda m: [Sample(_spd(m, 3)), Sample(_spd(m, 3), True)],
        dtypes=FLOAT,
        method=True,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "cholesky_solve",
        lambda m: [
            Sample(m((3, 2)), Const(np.linalg.cholesky(_spd(m, 3)))),
            Sample(
                m((3, 2)),
                Const(np.linalg.cholesky(_spd(m, 3)).T.copy()),
                True,
                desc="upper",
            ),
        ],
        dtypes=FLOAT,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "cholesky_inverse",
        lambda m: [
            Sample(Const(np.linalg.cholesky(_spd(m, 3)))),
        ],
        dtypes=FLOAT,
        method=True,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "triangular_solve",
        lambda m: [
            Sample(m((3, 2)), _well_conditioned(m, 3)),
            Sample(m((3, 2)), _well_conditioned(m, 3), False, True, desc="lower_T"),
            Sample(m((3, 2)), _well_conditioned(m, 3), True, False, True, desc="unit"),
        ],
        dtypes=FLOAT,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "lu_unpack_of_lu",
        lambda m: [Sample(m((4, 4))), Sample(m((2, 3, 3)))],
        op=lambda lib, a: lib.lu_unpack(*lib.lu(a)),
        grad=False,
        dtypes=FLOAT,
    ),  # fmt: skip
    OpInfo(
        "lu_solve",
        lambda m: [Sample(m((3, 2)), _well_conditioned(m, 3))],
        op=lambda lib, b, a: lib.lu_solve(b, *lib.lu(a)),
        dtypes=FLOAT,
    ),  # fmt: skip
    OpInfo("chain_matmul", lambda m: [Sample(m((2, 3)), m((3, 4)), m((4, 2)))]),
    OpInfo(
        "frobenius_norm",
        lambda m: [Sample(m((3, 4)), (0, 1)), Sample(m((2, 3, 4)), (1, 2), True)],
    ),  # fmt: skip
    OpInfo(
        "nuclear_norm",
        lambda m: [Sample(m((3, 4))), Sample(m((2, 3, 4)), (1, 2))],
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "removed_solve",
        lambda m: [],
        grad=False,
        errors=lambda m: [
            ErrorSample(Sample(m((2, 2)), m((2, 2))), RuntimeError, "linalg.solve"),
        ],
        op="solve",
    ),  # fmt: skip
]

WINDOWS = [
    OpInfo(
        name,
        lambda m: [
            Sample(7),
            Sample(6, False),
            Sample(1),
            Sample(0),
            Sample(5, dtype=None),
        ],
        grad=False,
    )  # fmt: skip
    for name in (
        "hann_window",
        "hamming_window",
        "blackman_window",
        "bartlett_window",
        "kaiser_window",
    )
] + [
    OpInfo(
        "hamming_window_ab",
        lambda m: [Sample(8, True, 0.5, 0.4)],
        grad=False,
        op="hamming_window",
    ),  # fmt: skip
    OpInfo(
        "kaiser_window_beta",
        lambda m: [Sample(8, False, 5.0)],
        grad=False,
        op="kaiser_window",
    ),  # fmt: skip
]

GRADIENT = [
    OpInfo(
        "gradient",
        lambda m: [
            Sample(m((4, 5))),
            Sample(m((4, 5)), dim=1, edge_order=2, desc="edge2"),
            Sample(m((6,)), spacing=2.0, desc="spacing"),
            Sample(
                m((4, 5)),
                spacing=[
                    Const(np.array([0.0, 1.0, 3.0, 4.5], m.dtype)),
                    Const(np.array([0.0, 0.5, 1.0, 2.0, 4.0], m.dtype)),
                ],
                edge_order=2,
                desc="coords",
            ),
        ],
        dtypes=FLOAT_INT,
    ),  # fmt: skip
]

ALIASES = [
    OpInfo("unsafe_split", lambda m: [Sample(m((5, 2)), 2)], method=True),
    OpInfo("unsafe_chunk", lambda m: [Sample(m((5, 2)), 2, 1)], method=True),
    OpInfo(
        "unsafe_split_with_sizes", lambda m: [Sample(m((5, 2)), [2, 3])], method=True
    ),  # fmt: skip
    OpInfo("narrow_copy", lambda m: [Sample(m((5, 2)), 0, 1, 3)], method=True),
    OpInfo("conj_physical", lambda m: [Sample(m((2, 3)))], method=True, inplace=True),
    OpInfo(
        "cdouble",
        lambda m: [Sample(m((2, 3)))],
        op=lambda lib, x: x.cdouble(),
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "resize_",
        lambda m: [Sample(m((2, 3)), (4,)), Sample(m((2, 3)), (2, 2))],
        op=lambda lib, x, s: x.detach().clone().resize_(*s),
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "channel_shuffle",
        lambda m: [Sample(m((2, 6, 3)), 3), Sample(m((1, 4, 2, 2)), 2)],
    ),  # fmt: skip
    OpInfo(
        "constant_pad_nd",
        lambda m: [Sample(m((2, 3)), (1, 2), 0.5), Sample(m((2, 3, 4)), (1, 0, 0, 2))],
    ),  # fmt: skip
]

INTEROP = [
    OpInfo(
        "nonzero_static",
        lambda m: [
            Sample(m.int((3, 4), 0, 1), size=5),
            Sample(m.int((6,), 0, 1), size=2, fill_value=7, desc="cut"),
            Sample(m.int((2, 2), 0, 1), size=6, desc="padded"),
        ],
        dtypes=("int64",),
        grad=False,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "empty_strided_shape",
        lambda m: [Sample((2, 3), (3, 1))],
        grad=False,
        op=lambda lib, *a: lib.empty_strided(*a).zero_(),
    ),  # fmt: skip
]

RECORDS = [*LINALG, *WINDOWS, *GRADIENT, *ALIASES, *INTEROP]
