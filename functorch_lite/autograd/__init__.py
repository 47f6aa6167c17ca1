"""``torch.autograd``: define-by-run autograd with backward rules from JAX."""

from ._grad_mode import (
    detect_anomaly as detect_anomaly,
    enable_grad as enable_grad,
    inference_mode as inference_mode,
    is_anomaly_enabled as is_anomaly_enabled,
    no_grad as no_grad,
    set_detect_anomaly as set_detect_anomaly,
    set_grad_enabled as set_grad_enabled,
)
