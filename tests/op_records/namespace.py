"""Records for the ops that close the gap to ``torch``'s namespace: activations,
special functions, statistics, structure/scatter ops and the ATen-signature forms of
functionals (``_ops/_activation.py``, ``_special.py``, ``_info.py``, ``_stats.py``,
``_structure.py``, ``nn/functional/_torch_forms.py``)."""

from __future__ import annotations

import numpy as np
from op_db import FLOAT, FLOAT_INT, INT, Const, ErrorSample, OpInfo, Sample
from tolerances import Tol


def unary(low=None, high=None):
    def samples(m):
        return [
            Sample(m((2, 3), low=low, high=high)),
            Sample(m((), low=low, high=high), desc="0-d"),
        ]

    return samples


def binary(low=None, high=None):
    def samples(m):
        return [
            Sample(m((2, 3), low=low, high=high), m((2, 3), low=low, high=high)),
            Sample(
                m((4, 1, 3), low=low, high=high),
                m((2, 1), low=low, high=high),
                desc="broadcast",
            ),  # fmt: skip
        ]

    return samples


def away_from_zero(m, shape, lo=0.2):
    x = m(shape, low=lo, high=2.0)
    return np.asarray(x * m.rng.choice([-1, 1], size=x.shape).astype(x.dtype))


ACTIVATIONS = [
    OpInfo(
        "relu",
        lambda m: [Sample(away_from_zero(m, (2, 3)))],
        dtypes=FLOAT_INT,
        method=True,
        inplace=True,
    ),  # fmt: skip
    OpInfo("selu", unary(), dtypes=FLOAT),
    OpInfo("celu", lambda m: [Sample(m((2, 3))), Sample(m((3,)), 0.5)]),
    OpInfo(
        "threshold",
        lambda m: [Sample(away_from_zero(m, (2, 3)), 0.1, 20.0)],
        dtypes=FLOAT_INT,
    ),  # fmt: skip
    OpInfo(
        "hardshrink",
        lambda m: [
            Sample(away_from_zero(m, (2, 3), 0.7)),
            Sample(away_from_zero(m, (4,), 1.1), 1.0),
        ],
        method=True,
    ),  # fmt: skip
    OpInfo(
        "prelu",
        lambda m: [
            Sample(away_from_zero(m, (2, 3, 4)), m((3,))),
            Sample(away_from_zero(m, (2, 3)), m((1,)), desc="shared"),
        ],
        method=True,
    ),  # fmt: skip
    OpInfo(
        "rrelu_eval",
        lambda m: [Sample(away_from_zero(m, (2, 3)))],
        op=lambda lib, x: lib.rrelu(x, 0.1, 0.3),
    ),  # fmt: skip
    OpInfo(
        "logit",
        lambda m: [
            Sample(m((2, 3), low=0.05, high=0.95)),
            Sample(m((4,), low=0.0, high=1.0), 0.1, desc="eps"),
        ],
        dtypes=FLOAT,
        method=True,
        inplace=True,
    ),  # fmt: skip
    OpInfo(
        "sinc",
        lambda m: [Sample(m((2, 3))), Sample(np.zeros(3, m.dtype), desc="zero")],
        dtypes=FLOAT_INT,
        method=True,
        inplace=True,
    ),  # fmt: skip
]

SPECIAL = [
    OpInfo("deg2rad", unary(), dtypes=FLOAT_INT, method=True, inplace=True),
    OpInfo("rad2deg", unary(), dtypes=FLOAT_INT, method=True, inplace=True),
    OpInfo("i0", unary(-3, 3), dtypes=FLOAT_INT, method=True, grad=False),
    OpInfo("logaddexp2", binary(), dtypes=FLOAT, method=True),
    OpInfo("nextafter", binary(), dtypes=FLOAT, method=True, grad=False),
    # PyTorch has no derivative of igamma w.r.t. its first argument: Const keeps it out.
    OpInfo(
        "igamma",
        lambda m: [
            Sample(Const(m((2, 3), low=0.5, high=3)), m((2, 3), low=0.1, high=3))
        ],
        dtypes=FLOAT,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "igammac",
        lambda m: [
            Sample(Const(m((2, 3), low=0.5, high=3)), m((2, 3), low=0.1, high=3))
        ],
        dtypes=FLOAT,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "gcd",
        lambda m: [
            Sample(m.int((2, 3), -20, 20), m.int((2, 3), -20, 20)),
            Sample(m.int((3,), 0, 30), m.int((2, 1), 1, 9)),
        ],
        dtypes=INT,
        grad=False,
        method=True,
        inplace=True,
    ),  # fmt: skip
    OpInfo(
        "lcm",
        lambda m: [Sample(m.int((2, 3), -9, 9), m.int((2, 3), -9, 9))],
        dtypes=INT,
        grad=False,
        method=True,
        inplace=True,
    ),  # fmt: skip
    # Float exponents: PyTorch's backward through an int64 exponent rounds 2**-k to 0.
    OpInfo(
        "ldexp",
        lambda m: [Sample(m((2, 3)), Const(np.round(m((2, 3), low=-3, high=3))))],
        dtypes=FLOAT,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "frexp",
        lambda m: [Sample(m((2, 3), low=-50, high=50))],
        dtypes=FLOAT,
        method=True,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "polygamma",
        lambda m: [
            Sample(1, m((2, 3), low=0.5, high=3)),
            Sample(0, m((3,), low=0.5, high=3)),
            Sample(2, m((3,), low=0.5, high=3)),
        ],
        dtypes=FLOAT,
        # jax.scipy.special.polygamma (a Hurwitz zeta series) is good to ~1e-9
        # relative in float64, short of the default 1e-10.
        tol={"float64": Tol(1e-8, 1e-10)},
    ),  # fmt: skip
    OpInfo(
        "mvlgamma",
        lambda m: [
            Sample(m((2, 3), low=2, high=4), 2),
            Sample(m((3,), low=1, high=3), 1),
        ],
        dtypes=FLOAT,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "bitwise_left_shift",
        lambda m: [Sample(m.int((2, 3), 0, 9), m.int((2, 3), 0, 5))],
        dtypes=INT,
        grad=False,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "bitwise_right_shift",
        lambda m: [Sample(m.int((2, 3), -50, 50), m.int((2, 3), 0, 5))],
        dtypes=INT,
        grad=False,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "float_power_",
        lambda m: [Sample(m((2, 3), "float64", low=0.5), 2.5)],
        op=lambda lib, x, e: x.clone().float_power_(e),
        dtypes=FLOAT,
    ),  # fmt: skip
]

INFO = [
    OpInfo(
        "isclose",
        lambda m: [
            Sample(m((2, 3)), m((2, 3))),
            Sample(
                np.array([1.0, np.inf, np.nan, 1e-9], m.dtype),
                np.array([1.0 + 1e-6, np.inf, np.nan, 0.0], m.dtype),
                desc="special",
            ),
            Sample(
                np.array([np.nan, 1.0], m.dtype),
                np.array([np.nan, 1.1], m.dtype),
                equal_nan=True,
                rtol=0.2,
                desc="equal_nan",
            ),
        ],
        dtypes=FLOAT,
        method=True,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "isclose_int",
        lambda m: [Sample(m((2, 3)), m((2, 3)), atol=1.5)],
        op="isclose",
        dtypes=INT,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "allclose",
        lambda m: [Sample(m((2, 3)), m((2, 3)))],
        method=True,
        grad=False,
        dtypes=FLOAT_INT,
    ),  # fmt: skip
    OpInfo(
        "equal",
        lambda m: [Sample(m((2, 3)), m((2, 3)))],
        dtypes=FLOAT_INT,
        method=True,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "isin",
        lambda m: [
            Sample(m.int((2, 3), 0, 6), m.int((4,), 0, 6)),
            Sample(m.int((5,), 0, 6), 3, invert=True),
        ],
        dtypes=INT,
        grad=False,
    ),  # fmt: skip
    OpInfo("isreal", unary(), dtypes=FLOAT, method=True, grad=False),
    OpInfo("complex", lambda m: [Sample(m((2, 3)), m((2, 3)))], dtypes=FLOAT),
    OpInfo("polar", lambda m: [Sample(m((2, 3), low=0.1), m((2, 3)))], dtypes=FLOAT),
    OpInfo(
        "view_as_real",
        lambda m: [Sample(m((3, 2)))],
        op=lambda lib, x: lib.view_as_real(lib.view_as_complex(x)) * 2,
    ),  # fmt: skip
    OpInfo(
        "real_imag",
        lambda m: [Sample(m((2, 3)), m((2, 3)))],
        op=lambda lib, a, b: (
            lib.real(lib.complex(a, b)) * 3,
            lib.imag(lib.complex(a, b)) * 2,
            lib.complex(a, b).real,
            lib.real(a),
        ),
    ),  # fmt: skip
]

STATS = [
    OpInfo(
        "diff",
        lambda m: [
            Sample(m((3, 5))),
            Sample(m((3, 5)), 2, 0, desc="n2_dim0"),
            Sample(m((2, 4)), 1, -1, m((2, 1)), m((2, 2)), desc="pre_app"),
        ],
        dtypes=("float32", "int64", "bool"),
        method=True,
    ),  # fmt: skip
    OpInfo(
        "trapezoid",
        lambda m: [
            Sample(m((3, 5))),
            Sample(m((3, 5)), m((5,), distinct=True), desc="x"),
            Sample(m((3, 5)), dx=0.5, dim=0, desc="dx"),
        ],
        dtypes=("float32", "int64"),
    ),  # fmt: skip
    OpInfo("trapz", lambda m: [Sample(m((3, 5)), m((5,), distinct=True))]),
    OpInfo(
        "cumulative_trapezoid",
        lambda m: [
            Sample(m((3, 5))),
            Sample(m((4, 3)), dx=2.0, dim=0, desc="dx"),
        ],
    ),  # fmt: skip
    OpInfo(
        "bincount",
        lambda m: [
            Sample(Const(m.int((8,), 0, 5))),
            Sample(Const(m.int((8,), 0, 5)), None, 9, desc="minlength"),
            Sample(Const(m.int((6,), 0, 4)), m((6,), "float64"), desc="weights"),
        ],
        dtypes=INT,
        grad=False,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "histogram",
        lambda m: [
            Sample(m((20,)), 4),
            Sample(m((4, 5)), 3, range=(-1.0, 1.0), desc="range"),
            Sample(m((10,)), np.array([-2.0, -0.5, 0.0, 2.0], m.dtype), desc="edges"),
            Sample(m((10,)), 3, weight=m((10,)), density=True, desc="weighted"),
        ],
        dtypes=FLOAT,
        grad=False,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "quantile",
        lambda m: [
            Sample(m((4, 5)), 0.3),
            Sample(
                m((4, 5)), np.array([0.1, 0.5, 0.9], m.dtype), 1, True, desc="q_dim"
            ),
            Sample(m((7,)), 0.25, interpolation="nearest", desc="nearest"),
            Sample(m((7,)), 0.4, interpolation="midpoint", desc="midpoint"),
        ],
        dtypes=FLOAT,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "nanquantile",
        lambda m: [
            Sample(np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]], m.dtype), 0.5, 1),
        ],
        dtypes=FLOAT,
        method=True,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "cov",
        lambda m: [
            Sample(m((3, 6))),
            Sample(m((6,)), desc="1-d"),
            Sample(m((2, 5)), correction=0, desc="corr0"),
            Sample(
                m((2, 5)),
                fweights=Const(m.int((5,), 1, 3)),
                aweights=m((5,), low=0.5, high=2),
                desc="weights",
            ),
        ],
        dtypes=("float32", "int64"),
        method=True,
    ),  # fmt: skip
    OpInfo("corrcoef", lambda m: [Sample(m((3, 6)))], dtypes=FLOAT, method=True),
]

STRUCTURE = [
    OpInfo(
        "diagflat",
        lambda m: [Sample(m((3,))), Sample(m((2, 2)), 1, desc="off")],
        dtypes=FLOAT_INT,
        method=True,
    ),  # fmt: skip
    OpInfo(
        "tril_indices",
        lambda m: [Sample(4, 3), Sample(3, 5, 1), Sample(4, 4, -1)],
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "triu_indices",
        lambda m: [Sample(4, 3), Sample(3, 5, 1), Sample(4, 4, -2)],
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "unravel_index",
        lambda m: [
            Sample(Const(m.int((2, 3), -11, 11)), (3, 4)),
            Sample(Const(m.int((4,), 0, 6)), 6, desc="int_shape"),
        ],
        dtypes=INT,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "cartesian_prod",
        lambda m: [Sample(m((2,)), m((3,))), Sample(m((3,)), desc="one")],
        dtypes=FLOAT_INT,
    ),  # fmt: skip
    OpInfo(
        "combinations",
        lambda m: [
            Sample(m((4,))),
            Sample(m((4,)), 3, desc="r3"),
            Sample(m((3,)), 2, True, desc="with_replacement"),
        ],
        dtypes=FLOAT_INT,
    ),  # fmt: skip
    OpInfo(
        "block_diag",
        lambda m: [Sample(m((2, 3)), m((1,)), m(()), m((2, 2)))],
        dtypes=FLOAT_INT,
    ),  # fmt: skip
    OpInfo(
        "vander",
        lambda m: [Sample(m((4,))), Sample(m((3,)), 5, True)],
        dtypes=FLOAT_INT,
        grad=False,  # PyTorch's vander backward trips its own in-place version check
    ),  # fmt: skip
    OpInfo(
        "range", lambda m: [Sample(1, 4), Sample(0, 1, 0.25), Sample(5)], grad=False
    ),  # fmt: skip
    OpInfo("scalar_tensor", lambda m: [Sample(3), Sample(2.5)], grad=False),
    OpInfo(
        "hsplit",
        lambda m: [
            Sample(m((2, 6)), 3),
            Sample(m((6,)), [1, 4]),
            Sample(m((2, 5, 2)), [2], desc="list"),
        ],
        method=True,
    ),  # fmt: skip
    OpInfo(
        "vsplit",
        lambda m: [Sample(m((4, 2)), 2), Sample(m((5, 2)), [1, 3])],
        method=True,
    ),  # fmt: skip
    OpInfo("dsplit", lambda m: [Sample(m((2, 2, 4)), 2)], method=True),
    OpInfo("ravel", lambda m: [Sample(m((2, 3))), Sample(m(()))], method=True),
    OpInfo(
        "unfold",
        lambda m: [
            Sample(m((2, 7)), 1, 3, 2),
            Sample(m((7,)), 0, 2, 1),
            Sample(m(()), 0, 1, 1),
        ],
        op=lambda lib, x, *a: x.unfold(*a),
    ),  # fmt: skip
    OpInfo(
        "select_scatter",
        lambda m: [Sample(m((3, 4)), m((4,)), 0, 1), Sample(m((3, 4)), m((3,)), 1, -1)],
        method=True,
    ),  # fmt: skip
    OpInfo(
        "slice_scatter",
        lambda m: [
            Sample(m((6, 4)), m((2, 4)), 0, 1, 5, 2),
            Sample(m((3, 5)), m((3, 2)), 1, 3),
        ],
        method=True,
    ),  # fmt: skip
    OpInfo(
        "diagonal_scatter",
        lambda m: [Sample(m((3, 4)), m((3,))), Sample(m((3, 4)), m((2,)), 2)],
        method=True,
    ),  # fmt: skip
    OpInfo(
        "sum_to_size",
        lambda m: [Sample(m((2, 3, 4)), (3, 1)), Sample(m((2, 3)), 1, 3)],
        op=lambda lib, x, *s: x.sum_to_size(*s),
    ),  # fmt: skip
    OpInfo(
        "fill_diagonal_",
        lambda m: [
            Sample(m((3, 4)), 2.0),
            Sample(m((7, 3)), 5.0, True, desc="wrap"),
            Sample(m((3, 3, 3)), 1.0, desc="3d"),
        ],
        op=lambda lib, x, *a: x.clone().fill_diagonal_(*a),
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "rsub",
        lambda m: [
            Sample(m((2, 3)), m((2, 3))),
            Sample(m((2, 3)), 2.0, alpha=3, desc="alpha"),
        ],
        dtypes=FLOAT_INT,
    ),  # fmt: skip
    OpInfo("fill", lambda m: [Sample(m((2, 3)), 1.5)], grad=False, dtypes=FLOAT_INT),
    OpInfo(
        "renorm",
        lambda m: [Sample(m((3, 4)), 2, 0, 1.0), Sample(m((3, 4)), 1, 1, 0.5)],
        method=True,
        inplace=True,
    ),  # fmt: skip
    OpInfo(
        "addr",
        lambda m: [
            Sample(m((3, 4)), m((3,)), m((4,))),
            Sample(m((4,)), m((3,)), m((4,)), beta=0.5, alpha=2),
        ],
        dtypes=FLOAT_INT,
        method=True,
        inplace=True,
    ),  # fmt: skip
    OpInfo(
        "matrix_power",
        lambda m: [
            Sample(m((3, 3)), 3),
            Sample(m((2, 3, 3)), 0),
            Sample(np.eye(3, dtype=m.dtype) * 2 + m((3, 3), low=-0.3, high=0.3), -2),
        ],
        method=True,
        dtypes=FLOAT,
    ),  # fmt: skip
    OpInfo(
        "matrix_exp",
        lambda m: [
            Sample(m((3, 3), low=-1, high=1)),
            Sample(m((2, 2, 2), low=-1, high=1)),
        ],
        method=True,
        dtypes=FLOAT,
    ),  # fmt: skip
]

# ``torch.<name>`` forms of functionals, in ATen's argument order.
FORMS = [
    OpInfo(
        "t_batch_norm",
        lambda m: [Sample(m((4, 3)), m((3,)), m((3,)), None, None, True, 0.1, 1e-5)],
        op=lambda lib, *a: lib.batch_norm(*a, False),
    ),  # fmt: skip
    OpInfo(
        "t_embedding",
        lambda m: [Sample(m((5, 3)), Const(m.int((2, 4), 0, 4)))],
        op=lambda lib, w, i: lib.embedding(w, i),
    ),  # fmt: skip
    OpInfo(
        "t_kl_div",
        lambda m: [Sample(m((3, 4)), m((3, 4), low=0.1, high=1), 2)],
        op=lambda lib, *a: lib.kl_div(*a),
    ),  # fmt: skip
    OpInfo(
        "t_bce_logits",
        lambda m: [Sample(m((3, 4)), m((3, 4), low=0, high=1), None, None, 0)],
        op=lambda lib, *a: lib.binary_cross_entropy_with_logits(*a),
    ),  # fmt: skip
    OpInfo(
        "t_margin_ranking",
        lambda m: [Sample(m((5,)), m((5,)), Const(np.sign(m((5,))) + 0.0), 0.1)],
        op=lambda lib, *a: lib.margin_ranking_loss(*a),
    ),  # fmt: skip
    OpInfo(
        "t_poisson_nll",
        lambda m: [Sample(m((5,)), m((5,), low=0, high=3), True, False, 1e-8, 2)],
        op=lambda lib, *a: lib.poisson_nll_loss(*a),
    ),  # fmt: skip
    OpInfo(
        "t_conv1d",
        lambda m: [Sample(m((2, 3, 8)), m((4, 3, 3)), m((4,)))],
        op=lambda lib, *a: lib.conv1d(*a),
    ),  # fmt: skip
    OpInfo(
        "t_layer_norm",
        lambda m: [Sample(m((2, 5)), (5,), m((5,)), m((5,)))],
        op=lambda lib, *a: lib.layer_norm(*a),
    ),  # fmt: skip
    OpInfo(
        "t_max_pool1d",
        lambda m: [Sample(m((2, 3, 8), distinct=True), 2)],
        op=lambda lib, *a: lib.max_pool1d(*a),
    ),  # fmt: skip
    OpInfo(
        "t_adaptive_max_pool1d",
        lambda m: [Sample(m((2, 3, 8), distinct=True), 3)],
        op=lambda lib, *a: lib.adaptive_max_pool1d(*a),
    ),  # fmt: skip
    OpInfo(
        "t_dropout_eval",
        lambda m: [Sample(m((2, 3)), 0.5, False)],
        op=lambda lib, *a: lib.dropout(*a),
    ),  # fmt: skip
    OpInfo("t_pdist", lambda m: [Sample(m((4, 3)))], op=lambda lib, x: lib.pdist(x)),
    OpInfo(
        "t_instance_norm",
        lambda m: [
            Sample(m((2, 3, 5)), m((3,)), m((3,)), None, None, True, 0.1, 1e-5, False)
        ],
        op=lambda lib, *a: lib.instance_norm(*a),
    ),  # fmt: skip
    OpInfo(
        "t_group_norm",
        lambda m: [Sample(m((2, 4, 3)), 2, m((4,)), m((4,)))],
        op=lambda lib, *a: lib.group_norm(*a),
    ),  # fmt: skip
    OpInfo(
        "t_cosine_similarity",
        lambda m: [Sample(m((3, 4)), m((3, 4)))],
        op=lambda lib, *a: lib.cosine_similarity(*a),
    ),  # fmt: skip
    OpInfo(
        "t_pairwise_distance",
        lambda m: [Sample(m((3, 4)), m((3, 4)))],
        op=lambda lib, *a: lib.pairwise_distance(*a),
    ),  # fmt: skip
    OpInfo(
        "t_bilinear",
        lambda m: [Sample(m((3, 2)), m((3, 4)), m((5, 2, 4)), m((5,)))],
        op=lambda lib, *a: lib.bilinear(*a),
    ),  # fmt: skip
    OpInfo(
        "t_conv_transpose2d",
        lambda m: [Sample(m((1, 2, 4, 4)), m((2, 3, 3, 3)))],
        op=lambda lib, *a: lib.conv_transpose2d(*a),
    ),  # fmt: skip
    OpInfo(
        "t_avg_pool1d",
        lambda m: [Sample(m((2, 3, 8)), 3, 2)],
        op=lambda lib, *a: lib.avg_pool1d(*a),
    ),  # fmt: skip
    OpInfo(
        "t_adaptive_avg_pool1d",
        lambda m: [Sample(m((2, 3, 8)), 3)],
        op=lambda lib, *a: lib.adaptive_avg_pool1d(*a),
    ),  # fmt: skip
    OpInfo(
        "t_pixel_shuffle",
        lambda m: [Sample(m((1, 8, 2, 3)), 2)],
        op=lambda lib, *a: lib.pixel_shuffle(*a),
    ),  # fmt: skip
    OpInfo(
        "t_triplet_margin_loss",
        lambda m: [Sample(m((4, 3)), m((4, 3)), m((4, 3)), 1.0, 2.0, 1e-6, False, 0)],
        op=lambda lib, *a: lib.triplet_margin_loss(*a),
    ),  # fmt: skip
    OpInfo(
        "t_hinge_embedding_loss",
        lambda m: [Sample(m((5,)), Const(np.sign(m((5,))) + 0.0), 0.5, 2)],
        op=lambda lib, *a: lib.hinge_embedding_loss(*a),
    ),  # fmt: skip
    OpInfo(
        "t_cosine_embedding_loss",
        lambda m: [
            Sample(
                m((3, 4)), m((3, 4)), Const(np.array([1.0, -1.0, 1.0], m.dtype)), 0.1
            )
        ],
        op=lambda lib, *a: lib.cosine_embedding_loss(*a),
    ),  # fmt: skip
    OpInfo(
        "t_feature_dropout_eval",
        lambda m: [Sample(m((2, 3, 4)), 0.5, False)],
        op=lambda lib, *a: lib.feature_dropout(*a),
    ),  # fmt: skip
    OpInfo(
        "t_alpha_dropout_eval",
        lambda m: [Sample(m((2, 3)), 0.5, False)],
        op=lambda lib, *a: lib.alpha_dropout(*a),
    ),  # fmt: skip
    OpInfo(
        "t_selu_", lambda m: [Sample(m((2, 3)))], op=lambda lib, x: lib.selu_(x.clone())
    ),  # fmt: skip
    OpInfo(
        "t_celu_",
        lambda m: [Sample(m((2, 3)), 0.7)],
        op=lambda lib, x, a: lib.celu_(x.clone(), a),
    ),  # fmt: skip
    OpInfo(
        "t_threshold_",
        lambda m: [Sample(m((2, 3)), 0.2, -1.0)],
        op=lambda lib, x, *a: lib.threshold_(x.clone(), *a),
    ),  # fmt: skip
]

ERRORS = [
    OpInfo(
        "isclose_dtypes",
        lambda m: [],
        grad=False,
        errors=lambda m: [
            ErrorSample(
                Sample(m((2,)), m((2,), "float64")), RuntimeError, "did not match"
            ),
        ],
        op="isclose",
    ),  # fmt: skip
    OpInfo(
        "hsplit_uneven",
        lambda m: [],
        grad=False,
        errors=lambda m: [
            ErrorSample(Sample(m((2, 5)), 2), RuntimeError, "not divisible"),
        ],
        op="hsplit",
    ),  # fmt: skip
    OpInfo(
        "quantile_int",
        lambda m: [],
        grad=False,
        dtypes=INT,
        errors=lambda m: [
            ErrorSample(Sample(m((5,)), 0.5), RuntimeError, "float or double"),
        ],
        op="quantile",
    ),  # fmt: skip
    OpInfo(
        "gcd_float",
        lambda m: [],
        grad=False,
        errors=lambda m: [
            ErrorSample(Sample(m((3,)), m((3,))), RuntimeError, "not implemented"),
        ],
        op="gcd",
    ),  # fmt: skip
    OpInfo(
        "prelu_channels",
        lambda m: [],
        grad=False,
        errors=lambda m: [
            ErrorSample(Sample(m((2, 3)), m((2,))), RuntimeError, "Mismatch"),
        ],
        op="prelu",
    ),  # fmt: skip
]

RECORDS = [*ACTIVATIONS, *SPECIAL, *INFO, *STATS, *STRUCTURE, *FORMS, *ERRORS]
