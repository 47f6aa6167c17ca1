"""``torch.linalg``: norms, inverses, determinants, solves and decompositions."""

from .._ops._linalg import matmul as matmul
from .._ops._linalg_decomp import (
    cholesky as cholesky,
)
from .._ops._linalg_decomp import (
    cross as cross,
)
from .._ops._linalg_decomp import (
    det as det,
)
from .._ops._linalg_decomp import (
    eigh as eigh,
)
from .._ops._linalg_decomp import (
    eigvalsh as eigvalsh,
)
from .._ops._linalg_decomp import (
    inv as inv,
)
from .._ops._linalg_decomp import (
    lstsq as lstsq,
)
from .._ops._linalg_decomp import (
    matrix_norm as matrix_norm,
)
from .._ops._linalg_decomp import (
    matrix_rank as matrix_rank,
)
from .._ops._linalg_decomp import (
    multi_dot as multi_dot,
)
from .._ops._linalg_decomp import (
    norm as norm,
)
from .._ops._linalg_decomp import (
    pinv as pinv,
)
from .._ops._linalg_decomp import (
    qr as qr,
)
from .._ops._linalg_decomp import (
    slogdet as slogdet,
)
from .._ops._linalg_decomp import (
    solve as solve,
)
from .._ops._linalg_decomp import (
    svd as svd,
)
from .._ops._linalg_decomp import (
    svdvals as svdvals,
)
from .._ops._linalg_decomp import (
    vecdot as vecdot,
)
from .._ops._linalg_decomp import (
    vector_norm as vector_norm,
)

__all__ = [
    "cholesky", "cross", "det", "eigh", "eigvalsh", "inv", "lstsq", "matmul",
    "matrix_norm", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet",
    "solve", "svd", "svdvals", "vecdot", "vector_norm",
]  # fmt: skip
