"""Records for products (``_ops/_linalg.py``) and ``torch.linalg`` (``_linalg_decomp.py``).

Decompositions whose factors are unique only up to signs (qr, svd, eigh) are compared
through sign-free quantities (reconstructions, |entries|, singular values).
"""

from __future__ import annotations

import numpy as np
from op_db import FLOAT, ErrorSample, OpInfo, Sample
from tolerances import Tol

F_I = ("float32", "int64")
F64 = ("float64",)


def _spd(m, n=3, batch=()):
    a = m((*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n, dtype=a.dtype)


def _well(m, n=3, batch=()):
    """A well-conditioned square matrix (diagonally dominant)."""
    return m((*batch, n, n)) + 4 * np.eye(n, dtype=m.dtype)


def _matmul_samples(m):
    return [
        Sample(m((2, 3)), m((3, 4))),
        Sample(m((3,)), m((3,)), desc="dot"),
        Sample(m((2, 3)), m((3,)), desc="mv"),
        Sample(m((3,)), m((3, 4)), desc="vm"),
        Sample(m((2, 2, 3)), m((3, 4)), desc="batched @ matrix"),
        Sample(m((2, 1, 2, 3)), m((3, 3, 2)), desc="broadcast batch"),
        Sample(m((0, 3)), m((3, 2)), desc="empty"),
    ]


def _mm_error(a, b, match):
    return lambda m: [ErrorSample(Sample(m(a), m(b)), RuntimeError, match)]


def _matmul_errors(m):
    return [
        ErrorSample(Sample(m((2, 3)), m((4, 5))), RuntimeError,
                    r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"),
        ErrorSample(Sample(m((3,)), m((4,))), RuntimeError,
                    r"inconsistent tensor size, expected tensor \[3\] and src \[4\]"),
        ErrorSample(Sample(m((2, 3)), m((4,))), RuntimeError,
                    r"size mismatch, got input \(2\), mat \(2x3\), vec \(4\)"),
        ErrorSample(Sample(m(()), m((4, 5))), RuntimeError,
                    "both arguments to matmul need to be at least 1D, but they are 0D and 2D"),
        ErrorSample(Sample(m((2, 2, 3)), m((2, 4, 5))), RuntimeError,
                    r"Expected size for first two dimensions of batch2 tensor to be: "
                    r"\[2, 3\] but got: \[2, 4\]"),
        ErrorSample(Sample(m((2, 3)), m((3, 4), "float64")), RuntimeError,
                    "expected m1 and m2 to have the same dtype"),
    ]  # fmt: skip


def _qr_check(lib, out):
    q, r = out
    return (q @ r, r.abs())


def _svd_check(lib, out):
    u, s, vh = out
    return (s, (u[..., :, : s.shape[-1]] * s.unsqueeze(-2)) @ vh[..., : s.shape[-1], :])


def _eigh_check(lib, out):
    w, v = out
    return (w, v.abs())


PRODUCTS = [
    OpInfo("matmul", _matmul_samples, dtypes=F_I, method=True, errors=_matmul_errors),
    OpInfo(
        "matmul_op",
        lambda m: [Sample(m((2, 3)), m((3, 4)))],
        op=lambda lib, a, b: a @ b,
    ),  # fmt: skip
    OpInfo(
        "mm",
        lambda m: [Sample(m((2, 3)), m((3, 4))), Sample(m((0, 3)), m((3, 2)))],
        dtypes=F_I,
        method=True,
        errors=lambda m: [
            ErrorSample(
                Sample(m((2, 3)), m((3,))), RuntimeError, "mat2 must be a matrix"
            )
        ],
    ),  # fmt: skip
    OpInfo(
        "bmm",
        lambda m: [Sample(m((2, 2, 3)), m((2, 3, 4)))],
        dtypes=F_I,
        method=True,
        errors=lambda m: [
            ErrorSample(
                Sample(m((2, 3)), m((3, 3, 5))),
                RuntimeError,
                "batch1 must be a 3D tensor",
            )
        ],
    ),  # fmt: skip
    OpInfo("mv", lambda m: [Sample(m((2, 3)), m((3,)))], dtypes=F_I, method=True),
    OpInfo(
        "dot",
        lambda m: [Sample(m((3,)), m((3,)))],
        dtypes=F_I,
        method=True,
        errors=lambda m: [
            ErrorSample(
                Sample(m((3,)), m((3,), "float64")),
                RuntimeError,
                "dot : expected both vectors",
            )
        ],
    ),  # fmt: skip
    OpInfo("vdot", lambda m: [Sample(m((3,)), m((3,)))]),
    OpInfo("outer", lambda m: [Sample(m((3,)), m((4,)))], dtypes=F_I, method=True),
    OpInfo("ger", lambda m: [Sample(m((3,)), m((2,)))]),
    OpInfo("inner", lambda m: [Sample(m((2, 3)), m((4, 3))), Sample(m((3,)), m((3,)))]),
    OpInfo("kron", lambda m: [Sample(m((2, 3)), m((2, 2)))], dtypes=F_I),
    OpInfo(
        "einsum",
        lambda m: [
            Sample("ij,jk->ik", m((2, 3)), m((3, 4))),
            Sample("bij,bjk->bik", [m((2, 2, 3)), m((2, 3, 4))]),
            Sample("ii", m((3, 3)), desc="trace"),
            Sample("...i,i->...", m((2, 3)), m((3,))),
        ],
        dtypes=F_I,
        errors=lambda m: [
            ErrorSample(
                Sample("ij,jk->ik", m((2, 3)), m((4, 5))),
                RuntimeError,
                "subscript j has size 4",
            )
        ],
    ),  # fmt: skip
    OpInfo(
        "tensordot",
        lambda m: [
            Sample(m((2, 3, 4)), m((3, 4, 5))),
            Sample(m((2, 3, 4)), m((4, 3)), ([1, 2], [1, 0])),
            Sample(m((2, 3)), m((3, 2)), 1),
        ],
    ),  # fmt: skip
    OpInfo(
        "addmm",
        lambda m: [
            Sample(m((2, 4)), m((2, 3)), m((3, 4))),
            Sample(m((4,)), m((2, 3)), m((3, 4)), beta=0.5, alpha=2),
        ],
        dtypes=F_I,
        method=True,
        inplace=True,
    ),  # fmt: skip
    OpInfo(
        "addmv", lambda m: [Sample(m((2,)), m((2, 3)), m((3,)), alpha=2)], method=True
    ),  # fmt: skip
    OpInfo(
        "baddbmm",
        lambda m: [Sample(m((2, 2, 4)), m((2, 2, 3)), m((2, 3, 4)), beta=0.5)],
        method=True,
    ),  # fmt: skip
    OpInfo("addbmm", lambda m: [Sample(m((2, 4)), m((3, 2, 3)), m((3, 3, 4)))]),
    OpInfo(
        "cross",
        lambda m: [Sample(m((2, 3)), m((2, 3)), dim=1), Sample(m((3, 2)), m((3, 2)))],
    ),  # fmt: skip
    OpInfo(
        "trace",
        lambda m: [Sample(m((3, 3))), Sample(m((2, 4)))],
        dtypes=F_I,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "diag",
        lambda m: [
            Sample(m((3,))),
            Sample(m((3, 4))),
            Sample(m((3,)), 1),
            Sample(m((3, 3)), -1),
        ],
        dtypes=F_I,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "cdist",
        lambda m: [
            Sample(m((4, 3)), m((5, 3))),
            Sample(m((2, 4, 3)), m((2, 5, 3)), 1.0),
            Sample(m((4, 3)), m((5, 3)), float("inf")),
        ],
    ),  # fmt: skip
]

LINALG = [
    OpInfo(
        "linalg.norm",
        lambda m: [
            Sample(m((3, 4))),
            Sample(m((3, 4)), 2),
            Sample(m((3, 4)), "nuc"),
            Sample(m((4,)), 3),
            Sample(m((2, 3, 4)), dim=(1, 2)),
            Sample(m((2, 3, 4)), float("inf"), dim=-1),
        ],
        dtypes=FLOAT,
    ),  # fmt: skip
    OpInfo(
        "linalg.vector_norm",
        lambda m: [
            Sample(m((3, 4))),
            Sample(m((3, 4)), 1, 0),
            Sample(m((3, 4)), 0.5, (0, 1), True),
        ],
    ),  # fmt: skip
    OpInfo(
        "linalg.matrix_norm",
        lambda m: [
            Sample(m((3, 4))),
            Sample(m((2, 3, 4)), 1),
            Sample(m((3, 4)), -float("inf")),
        ],
    ),  # fmt: skip
    OpInfo(
        "linalg.inv",
        lambda m: [Sample(_well(m)), Sample(_well(m, batch=(2,)))],
        dtypes=FLOAT,
        errors=lambda m: [
            ErrorSample(
                Sample(m((2, 3))), RuntimeError, "must be batches of square matrices"
            ),
            ErrorSample(
                Sample(m((2, 2), "int64")), RuntimeError, "Expected a floating point"
            ),
        ],
    ),  # fmt: skip
    OpInfo(
        "linalg.det",
        lambda m: [Sample(_well(m)), Sample(_well(m, batch=(2,)))],
        dtypes=FLOAT,
    ),  # fmt: skip
    OpInfo("det", lambda m: [Sample(_well(m))], method=True),
    OpInfo("inverse", lambda m: [Sample(_well(m))], method=True),
    OpInfo("logdet", lambda m: [Sample(_spd(m))], method=True),
    OpInfo("linalg.slogdet", lambda m: [Sample(_well(m)), Sample(-_spd(m))]),
    OpInfo(
        "linalg.solve",
        lambda m: [
            Sample(_well(m), m((3, 2))),
            Sample(_well(m), m((3,))),
            Sample(_well(m, batch=(2,)), m((2, 3))),
            Sample(_well(m), m((2, 3)), left=False),
        ],
        dtypes=FLOAT,
        errors=lambda m: [
            ErrorSample(
                Sample(_well(m, 2), m((3,))),
                RuntimeError,
                r"Incompatible shapes of A and B",
            )
        ],
    ),  # fmt: skip
    OpInfo(
        "linalg.cholesky",
        lambda m: [Sample(_spd(m)), Sample(_spd(m), upper=True)],
        dtypes=F64,
    ),  # fmt: skip
    OpInfo(
        "linalg.qr",
        lambda m: [Sample(m((4, 3))), Sample(m((3, 3)), "complete")],
        dtypes=F64,
        compare=_qr_check,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "linalg.svd",
        lambda m: [Sample(m((4, 3)), full_matrices=False)],
        dtypes=F64,
        compare=_svd_check,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "linalg.svdvals",
        lambda m: [Sample(m((4, 3))), Sample(m((2, 3, 3)))],
        dtypes=F64,
    ),  # fmt: skip
    OpInfo(
        "linalg.eigh",
        lambda m: [Sample(_spd(m))],
        dtypes=F64,
        compare=_eigh_check,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "linalg.eigvalsh",
        lambda m: [Sample(_spd(m)), Sample(_spd(m), UPLO="U")],
        dtypes=F64,
    ),  # fmt: skip
    OpInfo(
        "linalg.pinv", lambda m: [Sample(m((4, 3))), Sample(m((2, 3, 2)))], dtypes=F64
    ),
    OpInfo(
        "linalg.matrix_rank",
        lambda m: [Sample(m((4, 3))), Sample(m((4, 1)) @ m((1, 3)))],
        dtypes=F64,
    ),  # fmt: skip
    OpInfo(
        "linalg.lstsq",
        lambda m: [
            Sample(m((5, 3)), m((5, 2))),
            Sample(m((5, 3)), m((5, 2)), driver="gelsd"),
        ],
        dtypes=F64,
        grad=False,  # see lstsq_solution
        # Pseudo-inverse vs LAPACK's QR/SVD drivers: a few ulp of float64 apart.
        tol={"float64": Tol(rtol=1e-8, atol=1e-10)},
    ),  # fmt: skip
    # Gradient through the solution only: PyTorch's singular_values carry no gradient.
    OpInfo(
        "lstsq_solution",
        lambda m: [Sample(m((5, 3)), m((5, 2)))],
        dtypes=F64,
        op=lambda lib, a, b: lib.linalg.lstsq(a, b).solution,
        grad_tol={"float64": Tol(rtol=1e-7, atol=1e-9)},
    ),  # fmt: skip
    OpInfo("linalg.cross", lambda m: [Sample(m((2, 3)), m((3,)))]),
    OpInfo("linalg.multi_dot", lambda m: [Sample([m((3,)), m((3, 4)), m((4, 2))])]),
    OpInfo("linalg.vecdot", lambda m: [Sample(m((2, 3)), m((3,)))]),
]

RECORDS = PRODUCTS + LINALG
