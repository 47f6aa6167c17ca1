"""The ``torch`` namespace: predicates, process settings, print options, hooks, and the
list of PyTorch names we deliberately do not have (so a new gap is visible).

Compared against real PyTorch where there is a value to compare.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

import functorch_lite as fl

# PyTorch (2.13) names we do not provide, on purpose: sparse/quantized/storage/
# data_ptr internals, TorchScript/IR classes, cudnn/miopen/mkldnn/fbgemm kernels,
# autocast internals, sym_* shape symbols, *_copy variants, legacy typed tensors,
# stft/istft and the LAPACK leftovers (lu, geqrf, ormqr...). When a name is added,
# delete it here; when PyTorch grows one, decide and list it.
TENSOR_OMISSIONS = frozenset(
    """
    apply_ as_strided as_strided_ as_strided_scatter as_subclass ccol_indices chalf
    coalesce col_indices const_data_ptr crow_indices data_ptr dense_dim dequantize
    dim_order geqrf grad_dtype hash_tensor index index_reduce index_reduce_ indices
    int_repr ipu is_coalesced is_distributed is_inference is_ipu is_maia is_meta
    is_mkldnn is_mps is_mtia is_nested is_pinned is_quantized is_set_to is_shared
    is_sparse is_sparse_csr is_vulkan is_xla is_xpu istft map2_ map_ module_load
    mtia name new_empty_strided orgqr ormqr output_nr pin_memory q_per_channel_axis
    q_per_channel_scales q_per_channel_zero_points q_scale q_zero_point qscheme
    record_stream reinforce resize resize_as resize_as_sparse_ row_indices set_
    share_memory_ slice_inverse smm sparse_dim sparse_mask sparse_resize_
    sparse_resize_and_clear_ sspaddmm stft storage storage_offset storage_type
    to_dense to_mkldnn to_padded_tensor to_sparse to_sparse_bsc to_sparse_bsr
    to_sparse_coo to_sparse_csc to_sparse_csr untyped_storage values volatile xpu
""".split()
)

TORCH_OMISSIONS = frozenset(
    """
    AVG AcceleratorError AggregationType AliasDb AnyType Argument ArgumentSpec
    AwaitType BFloat16Storage BFloat16Tensor BenchmarkConfig BenchmarkExecutionStats
    Block BoolStorage BoolTensor BoolType BufferDict ByteStorage ByteTensor
    CallStack Capsule CharStorage CharTensor ClassType Code CompilationUnit
    CompleteArgumentSpec ComplexDoubleStorage ComplexFloatStorage ComplexType
    ConcreteModuleType ConcreteModuleTypeBuilder DeepCopyMemoTable
    DeserializationStorageContext DeviceObjType DictType DisableTorchFunction
    DisableTorchFunctionSubclass DispatchKey DispatchKeySet DoubleStorage
    DoubleTensor EnumType ErrorReport Event ExcludeDispatchKeyGuard ExecutionPlan
    FatalError FileCheck FloatStorage FloatTensor FloatType FunctionSchema Future
    FutureType GradScaler Gradient Graph GraphExecutorState HalfStorage HalfTensor
    IODescriptor InferredType IntStorage IntTensor IntType InterfaceType
    JITException ListType LiteScriptModule LockingLogger LoggerBase LongStorage
    LongTensor ModuleDict Node NoneType NoopLogger NumberType OperatorInfo
    OptionalType OutOfMemoryError PRIVATE_OPS ParameterDict PyObjectType
    PyTorchFileReader PyTorchFileWriter QInt32Storage QInt8Storage QUInt2x4Storage
    QUInt4x2Storage QUInt8Storage RRefType SUM ScriptClass ScriptClassFunction
    ScriptDict ScriptDictIterator ScriptDictKeyIterator ScriptFunction ScriptList
    ScriptListIterator ScriptMethod ScriptModule ScriptModuleSerializer ScriptObject
    ScriptObjectProperty SerializationStorageContext ShortStorage ShortTensor
    StaticModule Storage StorageBase Stream StreamObjType StringType SymBool
    SymBoolType SymFloat SymInt SymIntType TYPE_CHECKING Tag TensorType
    ThroughputBenchmark TracingState TupleType Type TypedStorage USE_GLOBAL_DEPS
    USE_RTLD_GLOBAL_WITH_LIBTORCH UnionType UntypedStorage Use Value
    affine_grid_generator alias_copy amp ao as_strided as_strided_ as_strided_copy
    as_strided_scatter autocast autocast_decrement_nesting
    autocast_increment_nesting backends batch_norm_backward_elemt
    batch_norm_backward_reduce batch_norm_elemt batch_norm_gather_stats
    batch_norm_gather_stats_with_counts batch_norm_stats batch_norm_update_stats bit
    bits16 bits1x8 bits2x4 bits4x2 bits8 builtins ccol_indices_copy chalf
    choose_qparams_optimized classes classproperty clear_autocast_cache
    col_indices_copy compiled_with_cxx11_abi complex32 conv_tbc convolution cpp cpu
    crow_indices_copy ctc_loss ctypes cudnn_affine_grid_generator cudnn_batch_norm
    cudnn_convolution cudnn_convolution_add_relu cudnn_convolution_relu
    cudnn_convolution_transpose cudnn_grid_sampler cudnn_is_acceptable dequantize
    detach_copy diagonal_copy distributed distributions dsmm embedding_bag
    embedding_renorm_ empty_quantized expand_copy fake_quantize_per_channel_affine
    fake_quantize_per_tensor_affine fbgemm_linear_fp16_weight
    fbgemm_linear_fp16_weight_fp32_activation fbgemm_linear_int8_weight
    fbgemm_linear_int8_weight_fp32_activation fbgemm_linear_quantize_weight
    fbgemm_pack_gemm_matrix_fp16 fbgemm_pack_quantized_matrix fft float4_e2m1fn_x2
    float8_e4m3fn float8_e4m3fnuz float8_e5m2 float8_e5m2fnuz float8_e8m0fnu fork
    from_file functional functools fused_moving_avg_obs_fake_quant futures fx geqrf
    get_autocast_cpu_dtype get_autocast_dtype get_autocast_gpu_dtype
    get_autocast_ipu_dtype get_autocast_xla_dtype get_device_module get_file_path
    glob grid_sampler grid_sampler_2d grid_sampler_3d gru gru_cell has_lapack
    has_mkl has_openmp has_spectral hash_tensor histogramdd hsmm hspmm hub
    import_ir_module import_ir_module_from_buffer importlib index_reduce
    indices_copy init_num_threads inspect int1 int2 int3 int4 int5 int6 int7
    int_repr is_autocast_cache_enabled is_autocast_cpu_enabled is_autocast_enabled
    is_autocast_ipu_enabled is_autocast_xla_enabled is_distributed is_inference
    is_storage is_vulkan_available istft jagged library lobpcg lstm lstm_cell masked
    math merge_type_from_type_comment miopen_batch_norm miopen_convolution
    miopen_convolution_add_relu miopen_convolution_relu miopen_convolution_transpose
    miopen_ctc_loss miopen_depthwise_convolution miopen_rnn
    mkldnn_adaptive_avg_pool2d mkldnn_convolution mkldnn_linear_backward_weights
    mkldnn_max_pool2d mkldnn_max_pool3d mkldnn_rnn_layer monitor mps mtia
    multiprocessing native_batch_norm native_dropout native_group_norm
    native_layer_norm native_norm nested norm_except_dim ops orgqr ormqr os
    overrides package parse_ir parse_schema parse_type_comment pca_lowrank
    per_channel_affine per_channel_affine_float_qparams per_channel_symmetric
    per_tensor_affine per_tensor_symmetric permute_copy platform
    prepare_multiprocessing_environment profiler
    profiler_allow_cudagraph_cupti_lazy_reinit_cuda12 q_per_channel_axis
    q_per_channel_scales q_per_channel_zero_points q_scale q_zero_point qint32 qint8
    qscheme quantization quantize_per_channel quantize_per_tensor
    quantize_per_tensor_dynamic quantized_batch_norm quantized_gru
    quantized_gru_cell quantized_lstm quantized_lstm_cell quantized_max_pool1d
    quantized_max_pool2d quantized_max_pool3d quantized_rnn_relu_cell
    quantized_rnn_tanh_cell quasirandom quint2x4 quint4x2 quint8 random
    resize_as_sparse_ rnn_relu rnn_relu_cell rnn_tanh rnn_tanh_cell row_indices_copy
    saddmm segment_reduce select_copy set_autocast_cache_enabled
    set_autocast_cpu_dtype set_autocast_cpu_enabled set_autocast_dtype
    set_autocast_enabled set_autocast_gpu_dtype set_autocast_ipu_dtype
    set_autocast_ipu_enabled set_autocast_xla_dtype set_autocast_xla_enabled
    set_default_tensor_type signal slice_copy slice_inverse smm sparse sparse_bsc
    sparse_bsc_tensor sparse_bsr sparse_bsr_tensor sparse_compressed_tensor
    sparse_coo sparse_coo_tensor sparse_csc sparse_csc_tensor sparse_csr
    sparse_csr_tensor special split_copy split_with_sizes_copy spmm squeeze_copy
    sspaddmm stft storage svd_lowrank sym_constrain_range
    sym_constrain_range_for_size sym_float sym_fresh_size sym_int sym_ite sym_max
    sym_min sym_not sym_sqrt sym_sum sys t_copy testing textwrap
    thread_safe_generator threading torch torch_version transpose_copy types uint1
    uint16 uint2 uint3 uint32 uint4 uint5 uint6 uint64 uint7 unbind_copy unfold_copy
    unify_type_list unsqueeze_copy values_copy version view_as_complex_copy
    view_as_real_copy view_copy wait warnings windows xpu
""".split()
)


def _has(obj: object, name: str) -> bool:
    try:
        return hasattr(obj, name)
    except Exception:  # a lazy submodule that does not exist (yet) raises on access
        return False


def test_tensor_method_gap_is_the_allowlist() -> None:
    missing = {
        n for n in dir(torch.Tensor) if not n.startswith("_") and not _has(fl.Tensor, n)
    }
    assert sorted(missing - TENSOR_OMISSIONS) == [], "new gaps: add them or list them"
    assert sorted(TENSOR_OMISSIONS - missing) == [], "now provided: drop from the list"


def _fresh_torch_names() -> list[str]:
    """``dir(torch)`` right after ``import torch``: submodules other tests import
    later (``torch.onnx``...) would otherwise join the list depending on test order."""
    code = "import torch; print(' '.join(dir(torch)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)  # fmt: skip
    return out.stdout.split()


def test_torch_function_gap_is_the_allowlist() -> None:
    names = _fresh_torch_names()
    missing = {n for n in names if not n.startswith("_") and not _has(fl, n)}
    assert sorted(missing - TORCH_OMISSIONS) == [], "new gaps: add them or list them"
    assert sorted(TORCH_OMISSIONS - missing) == [], "now provided: drop from the list"


# ---------------------------------------------------------------- predicates
@pytest.mark.parametrize(
    "values, dtype",
    [([1.0, 2.0], "float32"), ([1, 2, 3], "int64"), ([True], "bool"), (3.5, "float64"),
     ([], "float32"), ([1 + 2j], "complex64")],
)  # fmt: skip
def test_predicates_match_pytorch(values: object, dtype: str) -> None:
    ours = fl.tensor(values, dtype=getattr(fl, dtype))
    theirs = torch.tensor(values, dtype=getattr(torch, dtype))
    for name in ("numel", "is_floating_point", "is_complex", "is_tensor", "is_conj",
                 "is_neg"):  # fmt: skip
        assert getattr(fl, name)(ours) == getattr(torch, name)(theirs), name
    assert ours.is_signed() == theirs.is_signed()
    assert ours.nbytes == theirs.nbytes
    assert ours.itemsize == theirs.itemsize
    assert ours.get_device() == theirs.get_device() == -1
    assert fl.is_same_size(ours, ours) and not fl.is_same_size(ours, fl.zeros(7))
    if theirs.numel() == 1:
        assert fl.is_nonzero(ours) == torch.is_nonzero(theirs)
    else:
        with pytest.raises(RuntimeError, match="ambiguous"):
            fl.is_nonzero(ours)
    assert not fl.is_tensor(values)


def test_real_imag_of_real_and_complex() -> None:
    x = fl.tensor([1.0, -2.0])
    assert fl.real(x) is x and x.real is x  # PyTorch returns self for real tensors
    with pytest.raises(RuntimeError, match="non-complex"):
        _ = x.imag
    z = fl.complex(fl.tensor([1.0, 2.0]), fl.tensor([3.0, -4.0]))
    np.testing.assert_array_equal(z.imag.numpy(), [3.0, -4.0])
    assert z.real.dtype is fl.float32


def test_equal_and_allclose_return_bools() -> None:
    a = fl.tensor([1.0, 2.0])
    assert fl.equal(a, a.clone()) is True
    assert fl.equal(a, fl.tensor([1.0])) is False
    assert fl.allclose(a, a + 1e-9) is True
    assert a.allclose(a + 1) is False


def test_constants() -> None:
    assert (fl.pi, fl.e, fl.inf) == (torch.pi, torch.e, torch.inf)
    assert np.isnan(fl.nan) and fl.newaxis is None


def test_inplace_function_forms_update_the_argument() -> None:
    x = fl.tensor([0.5, -1.0])
    assert fl.exp_(x) is x
    np.testing.assert_allclose(x.numpy(), np.exp([0.5, -1.0]), rtol=1e-6)
    y = fl.tensor([-1.0, 2.0])
    fl.relu_(y)
    np.testing.assert_array_equal(y.numpy(), [0.0, 2.0])
    fl.zero_(y)
    np.testing.assert_array_equal(y.numpy(), [0.0, 0.0])


def test_rrelu_training_uses_the_generator() -> None:
    x = -fl.ones(1000)
    a = fl.rrelu(x, 0.1, 0.3, training=True, generator=fl.Generator().manual_seed(3))
    b = fl.rrelu(x, 0.1, 0.3, training=True, generator=fl.Generator().manual_seed(3))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    slopes = -a.numpy()
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.03


def test_unfold_is_a_view() -> None:
    x = fl.arange(6.0)
    w = x.unfold(0, 2, 2)
    w[1, 0] = 100.0
    np.testing.assert_array_equal(x.numpy(), [0, 1, 100, 3, 4, 5])


# ---------------------------------------------------------------- settings
def test_thread_and_determinism_settings_round_trip() -> None:
    n = fl.get_num_threads()
    try:
        fl.set_num_threads(3)
        assert fl.get_num_threads() == 3
    finally:
        fl.set_num_threads(n)
    try:
        fl.use_deterministic_algorithms(True, warn_only=True)
        assert fl.are_deterministic_algorithms_enabled()
        assert fl.is_deterministic_algorithms_warn_only_enabled()
        assert fl.get_deterministic_debug_mode() == 1
    finally:
        fl.use_deterministic_algorithms(False)
    assert fl.get_deterministic_debug_mode() == 0


def test_matmul_precision_maps_to_jax() -> None:
    import jax

    assert fl.get_float32_matmul_precision() == "highest"
    try:
        fl.set_float32_matmul_precision("medium")
        assert fl.get_float32_matmul_precision() == "medium"
        assert jax.config.jax_default_matmul_precision == "bfloat16"
    finally:
        fl.set_float32_matmul_precision("highest")
    with pytest.raises(RuntimeError):
        fl.set_float32_matmul_precision("fast")


def test_default_device_round_trip() -> None:
    assert fl.get_default_device() == fl.device("cpu")
    try:
        fl.set_default_device("cpu")
        assert fl.get_default_device() == fl.device("cpu")
        assert fl.zeros(2).device == fl.device("cpu")
    finally:
        fl.set_default_device(None)


def test_anomaly_flags_are_autograd_anomaly_mode() -> None:
    assert not fl.is_anomaly_enabled()
    try:
        fl.set_anomaly_enabled(True)
        assert fl.is_anomaly_enabled() and fl.autograd.is_anomaly_enabled()
    finally:
        fl.set_anomaly_enabled(False)
    assert not fl.autograd.is_anomaly_enabled()


@pytest.mark.parametrize(
    "options",
    [{"precision": 2}, {"sci_mode": True}, {"threshold": 5, "edgeitems": 2},
     {"profile": "short"}, {"linewidth": 30, "precision": 6}],
)  # fmt: skip
def test_printoptions_match_pytorch(options: dict) -> None:
    values = np.linspace(-3.0, 40.0, 12).astype(np.float32) / 7
    try:
        fl.set_printoptions(**options)
        torch.set_printoptions(**options)
        assert repr(fl.tensor(values)) == repr(torch.tensor(values))
    finally:
        fl.set_printoptions(profile="default", sci_mode=None)
        torch.set_printoptions(profile="default", sci_mode=None)


# ---------------------------------------------------------------- hooks
def test_post_accumulate_grad_hook_registration() -> None:
    w = fl.ones(2, requires_grad=True)
    handle = w.register_post_accumulate_grad_hook(lambda t: None)
    handle.remove()
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        fl.ones(2).register_post_accumulate_grad_hook(lambda t: None)
    with pytest.raises(RuntimeError, match="non-leaf"):
        (w * 2).register_post_accumulate_grad_hook(lambda t: None)


def test_post_accumulate_grad_hook_sees_the_accumulated_grad() -> None:
    def run(lib: object) -> list[np.ndarray]:
        w = lib.ones(3, requires_grad=True)  # type: ignore[attr-defined]
        seen: list[np.ndarray] = []
        handle = w.register_post_accumulate_grad_hook(
            lambda p: seen.append(p.grad.detach().numpy().copy())
        )
        (w * 2).sum().backward()
        (w * w).sum().backward(create_graph=True)
        handle.remove()
        (w * 3).sum().backward()
        return seen

    ours, theirs = run(fl), run(torch)
    assert len(ours) == len(theirs) == 2
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b)


# ---------------------------------------------------------------- type information
@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64"])
def test_finfo_matches_pytorch(name: str) -> None:
    ours, theirs = fl.finfo(getattr(fl, name)), torch.finfo(getattr(torch, name))
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
        assert getattr(ours, field) == getattr(theirs, field), field
    assert ours.dtype == theirs.dtype


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_matches_pytorch(name: str) -> None:
    ours, theirs = fl.iinfo(getattr(fl, name)), torch.iinfo(getattr(torch, name))
    assert (ours.bits, ours.min, ours.max) == (theirs.bits, theirs.min, theirs.max)


def test_can_cast_and_typename_match_pytorch() -> None:
    names = ["bool", "uint8", "int32", "int64", "float32", "float64", "complex64"]
    for a in names:
        for b in names:
            assert fl.can_cast(getattr(fl, a), getattr(fl, b)) == torch.can_cast(
                getattr(torch, a), getattr(torch, b)
            ), (a, b)
        assert fl.typename(fl.zeros(1, dtype=getattr(fl, a))) == torch.typename(
            torch.zeros(1, dtype=getattr(torch, a))
        )
    assert fl.typename(3) == torch.typename(3)


def test_layout_and_memory_format_tags() -> None:
    assert repr(fl.strided) == repr(torch.strided)
    assert repr(fl.channels_last) == repr(torch.channels_last)
    assert fl.ones(2).layout is fl.strided


# ---------------------------------------------------------------- sampling, interop
def test_poisson_and_binomial_moments_and_seeding() -> None:
    rates = fl.full((20000,), 3.0)
    a = fl.poisson(rates, fl.Generator().manual_seed(1))
    b = fl.poisson(rates, fl.Generator().manual_seed(1))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.dtype is fl.float32
    assert abs(float(a.mean()) - 3.0) < 0.1 and abs(float(a.var()) - 3.0) < 0.2
    draws = fl.binomial(fl.full((20000,), 10.0), fl.full((20000,), 0.3))
    assert abs(float(draws.mean()) - 3.0) < 0.1 and abs(float(draws.var()) - 2.1) < 0.2
    assert float(draws.min()) >= 0 and float(draws.max()) <= 10


def test_dlpack_and_buffer_round_trips() -> None:
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(fl.from_dlpack(x).numpy(), x)
    t = torch.from_dlpack(fl.to_dlpack(fl.tensor(x)))
    np.testing.assert_array_equal(t.numpy(), x)
    raw = np.arange(4, dtype=np.int32).tobytes()
    np.testing.assert_array_equal(
        fl.frombuffer(raw, dtype=fl.int32, offset=4).numpy(),
        torch.frombuffer(bytearray(raw), dtype=torch.int32, offset=4).numpy(),
    )


def test_nonzero_static_under_jit() -> None:
    f = fl.jit(lambda x: fl.nonzero_static(x > 0, size=3))
    out = f(fl.tensor([[1.0, -1.0], [2.0, 3.0]]))
    expected = torch.nonzero_static(torch.tensor([[1.0, -1.0], [2.0, 3.0]]) > 0, size=3)
    np.testing.assert_array_equal(out.numpy(), expected.numpy())
