"""``torch.return_types``: named tuples returned by multi-output ops.

Each is a ``collections.namedtuple``: fields by name (``.values``, ``.indices``), tuple
unpacking and indexing all work as with PyTorch's structseqs.
"""

from __future__ import annotations

import collections
from typing import Any


def _make(name: str, fields: str) -> Any:
    cls = collections.namedtuple(name, fields)  # type: ignore[misc]
    cls.__module__ = "functorch_lite.return_types"
    return cls


max = _make("max", "values indices")  # noqa: A001
min = _make("min", "values indices")  # noqa: A001
aminmax = _make("aminmax", "min max")
cummax = _make("cummax", "values indices")
cummin = _make("cummin", "values indices")
sort = _make("sort", "values indices")
topk = _make("topk", "values indices")
kthvalue = _make("kthvalue", "values indices")
median = _make("median", "values indices")
nanmedian = _make("nanmedian", "values indices")
mode = _make("mode", "values indices")
slogdet = _make("slogdet", "sign logabsdet")
linalg_slogdet = _make("linalg_slogdet", "sign logabsdet")
qr = _make("qr", "Q R")
linalg_qr = _make("linalg_qr", "Q R")
svd = _make("svd", "U S V")
linalg_svd = _make("linalg_svd", "U S Vh")
linalg_eigh = _make("linalg_eigh", "eigenvalues eigenvectors")
linalg_lstsq = _make("linalg_lstsq", "solution residuals rank singular_values")
linalg_inv_ex = _make("linalg_inv_ex", "inverse info")
linalg_cholesky_ex = _make("linalg_cholesky_ex", "L info")
frexp = _make("frexp", "mantissa exponent")
histogram = _make("histogram", "hist bin_edges")
triangular_solve = _make("triangular_solve", "solution cloned_coefficient")
lu_unpack = _make("lu_unpack", "P L U")

__all__ = [
    "max", "min", "aminmax", "cummax", "cummin", "sort", "topk", "kthvalue", "median",
    "nanmedian", "mode", "slogdet", "linalg_slogdet", "qr", "linalg_qr", "svd",
    "linalg_svd", "linalg_eigh", "linalg_lstsq", "linalg_inv_ex", "linalg_cholesky_ex",
    "frexp", "histogram", "triangular_solve", "lu_unpack",
]  # fmt: skip
