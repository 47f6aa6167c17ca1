"""functorch_lite.save -> functorch_lite.load round trips (no torch involved)."""

from __future__ import annotations

import io
import struct
import zipfile
from collections import OrderedDict
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest
from _zip_helpers import rezip

import functorch_lite as fl
from functorch_lite.serialization import CheckpointError, load, safetensors, save

DTYPES = [
    np.float32, np.float64, np.float16, ml_dtypes.bfloat16, np.int8, np.int16,
    np.int32, np.int64, np.uint8, np.bool_, np.complex64,
]  # fmt: skip


def _array(dtype, shape=(3, 4), seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * 10).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_dtypes_round_trip_bit_exact(tmp_path, dtype):
    value = _array(dtype)
    save(
        {"x": fl.from_numpy(value), "scalar": fl.from_numpy(np.asarray(value[0, 0]))},
        tmp_path / "c.pt",
    )
    out = load(tmp_path / "c.pt")
    assert isinstance(out["x"], fl.Tensor)
    assert out["x"].dtype == fl.from_numpy(value).dtype
    assert out["scalar"].shape == ()
    np.testing.assert_array_equal(np.asarray(out["x"].numpy()), value)


def test_nested_containers_and_python_values(tmp_path):
    obj = {
        "state": {0: {"step": fl.from_numpy(np.array(3.0, np.float32))}},
        "groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "params": [0, 1], "n": None}],
        "flags": (True, False, -7, 2**40, -(2**70), 1.5, 2 + 3j, "näme", b"\x00\xff"),
        "empty": ([], (), {}, OrderedDict()),
        "numpy_leaf": np.arange(5, dtype=np.int64),
        "dtype": fl.float16,
        "size": fl.Size([2, 3]),
    }
    out = load(_saved(obj))
    assert out["groups"] == obj["groups"]
    assert out["flags"] == obj["flags"]
    assert out["empty"] == ([], (), {}, OrderedDict())
    assert type(out["empty"][3]) is OrderedDict
    assert out["dtype"] is fl.float16
    assert out["size"] == (2, 3) and isinstance(out["size"], fl.Size)
    assert out["state"][0]["step"].item() == 3.0
    np.testing.assert_array_equal(out["numpy_leaf"].numpy(), np.arange(5))


def test_ordered_dict_metadata_attribute_survives():
    sd = OrderedDict(w=fl.from_numpy(np.ones(2, np.float32)))
    sd._metadata = OrderedDict({"": {"version": 1}})
    out = load(_saved(sd))
    assert list(out) == ["w"]
    assert out._metadata == {"": {"version": 1}}


def test_same_tensor_twice_is_stored_once(tmp_path):
    weight = fl.from_numpy(_array(np.float32))
    save({"embed": weight, "head": weight}, tmp_path / "tied.pt")
    names = zipfile.ZipFile(tmp_path / "tied.pt").namelist()
    assert [n for n in names if "/data/" in n] == ["archive/data/0"]
    out = load(tmp_path / "tied.pt")
    np.testing.assert_array_equal(out["embed"].numpy(), out["head"].numpy())


def test_requires_grad_flag_round_trips():
    p = fl.from_numpy(np.ones(3, np.float32)).requires_grad_(True)
    out = load(_saved([p]))
    assert out[0].requires_grad


def test_storage_records_are_64_byte_aligned(tmp_path):
    # torch.save aligns storages so torch.load(mmap=True) can map them in place.
    path = tmp_path / "a.pt"
    save({f"t{i}": fl.from_numpy(_array(np.float32, (i + 1,))) for i in range(5)}, path)
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        infos = [i for i in zf.infolist() if "/data/" in i.filename]
    assert len(infos) == 5
    for info in infos:
        name_len, extra_len = struct.unpack_from("<HH", raw, info.header_offset + 26)
        data_start = info.header_offset + 30 + name_len + extra_len
        assert data_start % 64 == 0, info.filename


def test_save_to_non_seekable_stream():
    class Pipe(io.RawIOBase):
        def __init__(self):
            self.chunks = []

        def writable(self):
            return True

        def write(self, b):
            self.chunks.append(bytes(b))
            return len(b)

    pipe = Pipe()
    save({"x": fl.from_numpy(np.arange(3, dtype=np.float32))}, pipe)
    out = load(io.BytesIO(b"".join(pipe.chunks)))
    np.testing.assert_array_equal(out["x"].numpy(), [0, 1, 2])


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (object(), "cannot save an object of type object"),
        (np.float32(1.0), r"\.item\(\)"),
        ({1, 2}, "cannot save an object of type set"),
    ],
)
def test_unsupported_values_fail_before_writing(tmp_path, value, match):
    with pytest.raises(TypeError, match=match):
        save({"bad": value}, tmp_path / "c.pt")
    assert list(tmp_path.iterdir()) == []


def test_self_containing_list_is_rejected():
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        save(loop, io.BytesIO())


def test_weights_only_false_is_refused():
    with pytest.raises(ValueError, match="never runs code"):
        load(_saved({}), weights_only=False)


def test_map_location_forms():
    buf = _saved({"x": fl.from_numpy(np.ones(2, np.float32))})
    seen = []

    def keep(storage, location):
        seen.append((storage.shape, location))
        return storage

    for ml in (None, "cpu", fl.device("cpu"), {"cuda:0": "cpu"}, keep):
        out = load(io.BytesIO(buf.getvalue()), map_location=ml)
        assert out["x"].device == fl.device("cpu")
    assert seen == [((2,), "cpu")]


def test_map_location_errors_are_the_callers_not_corruption():
    def fail(storage, location):
        raise ZeroDivisionError("mine")

    with pytest.raises(ZeroDivisionError, match="mine"):
        load(_saved({"x": fl.from_numpy(np.ones(2, np.float32))}), map_location=fail)


def test_map_location_to_missing_gpu_raises():
    if fl.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(RuntimeError, match="no GPU"):
        load(_saved({"x": fl.from_numpy(np.ones(2, np.float32))}), map_location="cuda")


def test_load_rejects_safetensors_file_with_hint(tmp_path):
    safetensors.save_file({"x": fl.from_numpy(np.ones(2, np.float32))}, tmp_path / "m")
    with pytest.raises(CheckpointError, match="safetensors.load_file"):
        load(tmp_path / "m")


def _saved(obj) -> io.BytesIO:
    buf = io.BytesIO()
    save(obj, buf)
    buf.seek(0)
    return buf


def test_jax_arrays_save_and_tracers_are_refused():
    import jax
    import jax.numpy as jnp

    out = load(_saved({"j": jnp.arange(3, dtype=jnp.int32)}))
    np.testing.assert_array_equal(out["j"].numpy(), [0, 1, 2])

    def save_inside(x):
        save({"x": x}, io.BytesIO())
        return x

    with pytest.raises(TypeError, match="being traced"):
        jax.jit(save_inside)(jnp.ones(2))


def _rewritten(tmp_path, obj, edit) -> Path:
    """Save ``obj``, then rewrite records: ``edit(name, data) -> data``."""
    src, dst = tmp_path / "src.pt", tmp_path / "dst.pt"
    save(obj, src)
    with zipfile.ZipFile(src) as zf:
        rezip(src, dst, {n: edit(n, zf.read(n)) for n in zf.namelist()})
    return dst


def test_gpu_saved_tensors_load_on_cpu_and_map_location_sees_the_location(tmp_path):
    def to_cuda(name, data):
        return data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")

    path = _rewritten(tmp_path, {"x": fl.from_numpy(np.ones(2, np.float32))}, to_cuda)
    seen = []
    for ml in (None, {"cuda:0": "cpu"}, lambda s, loc: seen.append(loc) or s):
        out = load(path, map_location=ml)
        assert out["x"].device == fl.device("cpu")
        np.testing.assert_array_equal(out["x"].numpy(), [1, 1])
    assert seen == ["cuda:0"]


def test_big_endian_checkpoint_loads(tmp_path):
    value = np.arange(6, dtype=np.float64).reshape(2, 3)

    def to_big_endian(name, data):
        if name.endswith("byteorder"):
            return b"big"
        if "/data/" in name:
            return np.frombuffer(data, "<f8").astype(">f8").tobytes()
        return data

    path = _rewritten(tmp_path, {"x": fl.from_numpy(value)}, to_big_endian)
    out = load(path)
    assert out["x"].dtype == fl.float64
    np.testing.assert_array_equal(out["x"].numpy(), value)
