"""Records for the elementwise ops (``_ops/_pointwise.py``, ``_ops/_ternary.py``)."""

from __future__ import annotations

import math

import numpy as np
from op_db import ALL, FLOAT, FLOAT_INT, Const, ErrorSample, OpInfo, Sample
from tolerances import Tol

FI32 = ("float32", "int64")


# ---------------------------------------------------------------- sample builders
def binary(low=None, high=None, low2=None, high2=None, dtype2=None):
    """Same-shape, broadcasting (incl. 0-d), empty; a Python scalar operand."""

    def samples(m):
        a = lambda s: m(s, low=low, high=high)  # noqa: E731
        b = lambda s: m(s, dtype2, low=low2 if low2 is not None else low,  # noqa: E731
                        high=high2 if high2 is not None else high)  # fmt: skip
        return [
            Sample(a((2, 3)), b((2, 3))),
            Sample(a((4, 1, 3)), b((2, 1)), desc="broadcast"),
            Sample(a(()), b((3,)), desc="0-d"),
        ]

    return samples


def empty(m):
    return [Sample(m((0, 3)), m((3,)), desc="empty")]


def empty1(m):
    return [Sample(m((0, 2)), desc="empty")]


def unary(low=None, high=None):
    def samples(m):
        return [
            Sample(m((2, 3), low=low, high=high)),
            Sample(m((), low=low, high=high), desc="0-d"),
        ]

    return samples


def _nonzero(lo=0.5, hi=2.0):
    """Values away from zero with random signs (divisors, kinks)."""

    def make(m, shape):
        mag = m(shape, low=lo, high=hi)
        sign = m.rng.choice([-1, 1], size=mag.shape).astype(mag.dtype)
        return np.asarray(mag * sign)

    return make


def divisor_samples(m):
    nz = _nonzero()
    return [
        Sample(m((2, 3)), nz(m, (2, 3))),
        Sample(m((4, 1, 3)), nz(m, (2, 1)), desc="broadcast"),
        Sample(m(()), nz(m, (3,)), desc="0-d"),
        Sample(m((2, 3)), 2.5, desc="scalar"),
    ]


def scalar_samples(m):
    """Tensor ∘ Python scalar (int and float) and 0-d tensors: promotion cases."""
    return [
        Sample(m((2, 3)), 2),
        Sample(m((2, 3)), 1.5),
        Sample(m((3,)), m((), "float64"), desc="0-d f64"),
    ]


def both(*builders):
    def samples(m):
        return [s for b in builders for s in b(m)]

    return samples


# ---------------------------------------------------------------- records
ARITH = [
    OpInfo(
        "add",
        both(binary(), scalar_samples, empty),
        dtypes=ALL,
        method=True,
        inplace=True,
    ),  # fmt: skip
    OpInfo(
        "add_alpha",
        binary(),
        op=lambda lib, a, b: lib.add(a, b, alpha=2),
        dtypes=FLOAT_INT,
    ),  # fmt: skip
    OpInfo(
        "sub",
        both(binary(), scalar_samples),
        dtypes=FLOAT_INT,
        method=True,
        inplace=True,
    ),  # fmt: skip
    OpInfo("sub_alpha", binary(), op=lambda lib, a, b: lib.sub(a, b, alpha=0.5)),
    OpInfo("rsub_scalar", unary(), op=lambda lib, a: 3 - a, dtypes=FLOAT_INT),
    OpInfo(
        "mul",
        both(binary(), scalar_samples, empty),
        dtypes=ALL,
        method=True,
        inplace=True,
    ),  # fmt: skip
    OpInfo("div", divisor_samples, dtypes=FLOAT_INT, method=True, inplace=True),
    OpInfo(
        "div_floor",
        divisor_samples,
        dtypes=FLOAT_INT,
        grad=False,
        op=lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
    ),  # fmt: skip
    OpInfo(
        "div_trunc",
        divisor_samples,
        dtypes=FLOAT_INT,
        grad=False,
        op=lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
    ),  # fmt: skip
    OpInfo("rtruediv", unary(0.5, 2), op=lambda lib, a: 1 / a, dtypes=FLOAT_INT),
    OpInfo("true_divide", divisor_samples, dtypes=FLOAT_INT),
    OpInfo("floor_divide", divisor_samples, dtypes=FLOAT_INT, grad=False),
    OpInfo("remainder", divisor_samples, dtypes=FLOAT_INT, grad=False, method=True),
    OpInfo(
        "mod_op",
        divisor_samples,
        dtypes=FLOAT_INT,
        grad=False,
        op=lambda lib, a, b: a % b,
    ),  # fmt: skip
    OpInfo("fmod", divisor_samples, dtypes=FLOAT_INT, grad=False),
    OpInfo("pow", binary(0.5, 2.0, -2.0, 2.0), dtypes=FLOAT, method=True, inplace=True),
    OpInfo(
        "pow_int",
        lambda m: [Sample(m((2, 3), low=0, high=4), m((2, 3), low=0, high=3))],
        op="pow",
        dtypes=("int64",),
    ),  # fmt: skip
    OpInfo("pow_scalar", unary(0.5, 2.0), op=lambda lib, a: a**2.5, dtypes=FLOAT),
    OpInfo("rpow_scalar", unary(), op=lambda lib, a: 2.0**a, dtypes=FLOAT_INT),
    OpInfo("float_power", binary(0.5, 2.0), dtypes=("float32", "int64")),
    OpInfo("atan2", binary(), dtypes=FLOAT_INT),
    OpInfo("arctan2", binary()),
    # Distinct values: at ties PyTorch and JAX split the gradient differently.
    OpInfo(
        "maximum",
        lambda m: [Sample(m((2, 3), distinct=True), m((3,), distinct=True) + 0.01)],
        dtypes=FLOAT_INT,
    ),  # fmt: skip
    OpInfo(
        "minimum",
        lambda m: [Sample(m((2, 3), distinct=True), m((3,), distinct=True) + 0.01)],
        dtypes=FLOAT_INT,
    ),  # fmt: skip
    OpInfo(
        "fmax",
        lambda m: [Sample(m((2, 3), distinct=True), m((3,), distinct=True) + 0.01)],
    ),
    OpInfo(
        "fmin",
        lambda m: [Sample(m((2, 3), distinct=True), m((3,), distinct=True) + 0.01)],
    ),
    OpInfo("hypot", binary(), dtypes=FLOAT),
    OpInfo("copysign", binary(), dtypes=FLOAT_INT, grad=False),
    OpInfo("xlogy", binary(0.5, 2.0), dtypes=FLOAT_INT),
    OpInfo("logaddexp", binary(), dtypes=FLOAT),
]

BITWISE = [
    OpInfo(name, binary(), dtypes=("int64", "bool"), method=True, inplace=True)
    for name in ("bitwise_and", "bitwise_or", "bitwise_xor")
] + [
    OpInfo("and_op", binary(), op=lambda lib, a, b: a & b, dtypes=("bool",)),
    OpInfo("or_op", binary(), op=lambda lib, a, b: a | b, dtypes=("bool",)),
    OpInfo("xor_op", binary(), op=lambda lib, a, b: a ^ b, dtypes=("int64",)),
    OpInfo("invert_op", unary(), op=lambda lib, a: ~a, dtypes=("int64", "bool")),
    OpInfo("bitwise_not", unary(), dtypes=("int64", "bool"), method=True),
]

COMPARE = (
    [
        OpInfo(
            name,
            both(binary(), scalar_samples),
            dtypes=("float32", "int64", "bool"),
            method=True,
        )  # fmt: skip
        for name in ("eq", "lt")
    ]
    + [
        OpInfo(name, binary(), dtypes=("float32", "int64"), method=True)
        for name in ("ne", "le", "gt", "ge")
    ]
    + [
        OpInfo(name, lambda m: binary()(m)[:1], dtypes=("float32",))
        for name in ("greater", "greater_equal", "less", "less_equal", "not_equal")
    ]
    + [
        OpInfo("lt_op", binary(), op=lambda lib, a, b: a < b, dtypes=FI32),
        OpInfo("eq_op", binary(), op=lambda lib, a, b: a == b, dtypes=FI32),
        OpInfo("ge_scalar_op", unary(), op=lambda lib, a: a >= 0.5, dtypes=FI32),
    ]
    + [
        OpInfo(name, binary(), dtypes=("float32", "bool"), method=True)
        for name in ("logical_and", "logical_or", "logical_xor")
    ]
    + [OpInfo("logical_not", unary(), dtypes=ALL, method=True)]
)

# Unary math: (name, low, high, dtypes). Domains keep values finite and off kinks.
_UNARY = [
    ("neg", None, None, FLOAT_INT), ("negative", None, None, FI32),
    ("positive", None, None, FLOAT_INT), ("abs", 0.1, 2, FLOAT_INT),
    ("absolute", 0.1, 2, FI32), ("sign", None, None, FLOAT_INT),
    ("sgn", None, None, FI32), ("square", None, None, FLOAT_INT),
    ("exp", None, None, FLOAT_INT), ("exp2", None, None, FI32),
    ("expm1", None, None, FI32), ("log", 0.1, 3, FLOAT_INT), ("log2", 0.1, 3, FI32),
    ("log10", 0.1, 3, FI32), ("log1p", -0.5, 3, FI32), ("sqrt", 0.1, 3, FLOAT_INT),
    ("rsqrt", 0.1, 3, FI32), ("reciprocal", 0.5, 3, FI32), ("sin", None, None, FLOAT_INT),
    ("cos", None, None, FI32), ("tan", -1.2, 1.2, FI32), ("asin", -0.9, 0.9, FI32),
    ("acos", -0.9, 0.9, FI32), ("atan", None, None, FI32), ("sinh", None, None, FI32),
    ("cosh", None, None, FI32), ("tanh", None, None, FLOAT_INT),
    ("asinh", None, None, FI32), ("acosh", 1.1, 3, FI32), ("atanh", -0.9, 0.9, FI32),
    ("arcsin", -0.9, 0.9, FI32), ("arccos", -0.9, 0.9, FI32),
    ("arctan", None, None, FI32), ("arcsinh", None, None, FI32),
    ("arccosh", 1.1, 3, FI32), ("arctanh", -0.9, 0.9, FI32),
    ("sigmoid", None, None, FLOAT_INT), ("erf", None, None, FI32),
    ("erfc", None, None, FI32), ("erfinv", -0.9, 0.9, FI32), ("lgamma", 0.1, 4, FI32),
    ("digamma", 0.1, 4, FI32), ("floor", None, None, FLOAT_INT),
    ("ceil", None, None, FLOAT_INT), ("trunc", None, None, FLOAT_INT),
    ("fix", None, None, FI32), ("frac", None, None, FLOAT),
    ("round", None, None, FLOAT_INT),
]  # fmt: skip

# Pure aliases (``arcsin = asin``): one sample, function form only. PyTorch also has
# them as Tensor methods; see the ops report (the registry does not add alias methods).
ALIASES = {"negative", "absolute", "arcsin", "arccos", "arctan", "arcsinh", "arccosh",
           "arctanh", "fix"}  # fmt: skip

UNARY = (
    [
        OpInfo(name, unary(lo, hi), dtypes=dts, method=True, inplace=True)
        for name, lo, hi, dts in _UNARY
        if name not in ALIASES and name != "positive"
    ]
    + [
        OpInfo(name, lambda m, lo=lo, hi=hi: unary(lo, hi)(m)[:1], dtypes=("float32",))
        for name, lo, hi, _ in _UNARY
        if name in ALIASES
    ]
    + [
        OpInfo("positive", unary(), dtypes=FLOAT_INT, method=True),
        OpInfo("sqrt_empty", empty1, op="sqrt"),
        OpInfo("exp_empty", empty1, op="exp", dtypes=("int64",)),
        OpInfo("neg_op", unary(), op=lambda lib, a: -a, dtypes=FLOAT_INT),
        OpInfo("abs_op", unary(0.1, 2), op=lambda lib, a: abs(a), dtypes=FI32),
        OpInfo(
            "round_decimals",
            unary(),
            op=lambda lib, a: lib.round(a, decimals=2),
            grad=False,
        ),  # fmt: skip
        OpInfo("conj", unary(), dtypes=FLOAT),
        OpInfo("angle", unary(), dtypes=FLOAT_INT, grad=False),
    ]
)


def _special(m):
    vals = [0.0, -1.5, math.inf, -math.inf, math.nan, 2.0]
    return [Sample(m.rng.permutation(vals).astype(m.dtype))]


PREDICATES = [
    OpInfo(name, both(unary(), _special), dtypes=FLOAT_INT, method=True)
    for name in ("isnan", "isinf", "isfinite", "isposinf", "isneginf")
] + [OpInfo("signbit", both(unary(), _special), dtypes=FLOAT_INT)]


# ---------------------------------------------------------------- ternary (_ternary.py)
def _clamp_samples(m):
    # Bounds chosen so no element equals a bound (the gradient is defined there).
    return [
        Sample(m((3, 4)), -0.55, 0.55),
        Sample(m((3, 4)), min=-0.55),
        Sample(m((3, 4)), max=0.55),
        Sample(
            m((3, 4)),
            m((4,), low=-1.05, high=-0.05),
            m((3, 1), low=0.05, high=1.05),
            desc="tensor bounds",
        ),  # fmt: skip
        Sample(m(()), -1, 1, desc="0-d"),
        Sample(m((0, 2)), -1, 1, desc="empty"),
    ]


def _clamp_int(m):
    return [Sample(m((3, 4)), -2, 3), Sample(m((3, 4)), 0.5, desc="float bound")]


def _where_samples(m):
    return [
        Sample(Const(m.bool((2, 3))), m((2, 3)), m((2, 3))),
        Sample(Const(m.bool((2, 1))), m((3,)), m((2, 3)), desc="broadcast"),
        Sample(Const(m.bool((3,))), m((3,)), 0.5, desc="scalar other"),
        Sample(Const(m.bool(())), m(()), m((2,)), desc="0-d"),
    ]


def _lerp_samples(m):
    return [
        Sample(m((2, 3)), m((2, 3)), 0.3),
        Sample(m((2, 3)), m((3,)), 0.8),
        Sample(m((2, 3)), m((2, 3)), m((2, 3), low=0, high=1), desc="tensor weight"),
        Sample(m(()), m((2,)), m(()), desc="0-d"),
    ]


def _addc_samples(m):
    nz = _nonzero()
    return [
        Sample(m((2, 3)), m((2, 3)), nz(m, (2, 3))),
        Sample(m((3,)), m((2, 1)), nz(m, (2, 3)), value=0.5, desc="broadcast"),
        Sample(m(()), m(()), nz(m, ()), value=-2, desc="0-d"),
    ]


def _nan_to_num_samples(m):
    vals = [0.5, math.nan, math.inf, -math.inf, -2.0, 1.0]
    x = m.rng.permutation(vals).astype(m.dtype)
    return [
        Sample(x),
        Sample(x, nan=1.0, posinf=100.0, neginf=-100.0),
        Sample(m((2, 3))),
    ]


TERNARY = [
    OpInfo(
        "clamp",
        _clamp_samples,
        dtypes=FLOAT,
        method=True,
        inplace=True,
        errors=lambda m: [
            ErrorSample(Sample(m((2,))), RuntimeError, "At least one of 'min' or 'max'")
        ],
    ),  # fmt: skip
    OpInfo("clamp_int", _clamp_int, op="clamp", dtypes=("int64",)),
    OpInfo("clip", _clamp_samples, method=True, inplace=True),
    OpInfo(
        "clamp_min", lambda m: [Sample(m((3, 4)), -0.55)], method=True, inplace=True
    ),
    OpInfo("clamp_max", lambda m: [Sample(m((3, 4)), 0.55)], method=True, inplace=True),
    OpInfo(
        "where",
        _where_samples,
        dtypes=FLOAT_INT,
        errors=lambda m: [
            ErrorSample(
                Sample(m((2,)), m((2,)), m((2,))),
                RuntimeError,
                "where expected condition to be a boolean",
            )
        ],
    ),  # fmt: skip
    OpInfo("where_method", _where_samples, op=lambda lib, c, x, y: x.where(c, y)),
    OpInfo(
        "where_mixed",
        lambda m: [Sample(Const(m.bool((3,))), m((3,), "int64"), m((3,)))],
        op="where",
        dtypes=("float32",),
    ),  # fmt: skip
    OpInfo(
        "lerp",
        _lerp_samples,
        dtypes=FLOAT,
        method=True,
        inplace=True,
        errors=lambda m: [
            ErrorSample(
                Sample(m((2,)), m((2,), "float64"), 0.5),
                RuntimeError,
                "expected dtype float",
            )
        ],
    ),  # fmt: skip
    OpInfo("addcmul", _addc_samples, dtypes=FLOAT_INT, method=True, inplace=True),
    OpInfo(
        "addcdiv",
        _addc_samples,
        dtypes=FLOAT,
        method=True,
        inplace=True,
        errors=lambda m: [
            ErrorSample(
                Sample(m.int(2), m.int(2), m.int(2, 1, 3)),
                RuntimeError,
                "Integer division with addcdiv",
            )
        ],
    ),  # fmt: skip
    OpInfo(
        "nan_to_num",
        _nan_to_num_samples,
        dtypes=FLOAT,
        method=True,
        inplace=True,
        grad=False,
    ),  # fmt: skip
    OpInfo(
        "heaviside",
        lambda m: [Sample(m((2, 3)).round(), m((3,)))],
        dtypes=FLOAT_INT,
        grad=False,
    ),  # fmt: skip
]

_ = Tol  # per-record overrides: see reduce.py / linalg.py

RECORDS = ARITH + BITWISE + COMPARE + UNARY + PREDICATES + TERNARY
