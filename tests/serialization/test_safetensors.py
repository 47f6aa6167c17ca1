"""safetensors: byte layout against the format spec, validation, and torch cross-reads.

The ``safetensors`` package is not installed; files are checked by parsing them by
hand (numpy) and by building tensors with ``torch.frombuffer``.
"""

from __future__ import annotations

import json
import struct

import jax
import ml_dtypes
import numpy as np
import pytest
import torch

import functorch_lite as fl
from functorch_lite.serialization import _safetensors, safetensors
from functorch_lite.serialization.safetensors import SafetensorError, safe_open

CODES = {  # safetensors code -> (numpy dtype, torch dtype)
    "F64": (np.float64, torch.float64), "I64": (np.int64, torch.int64),
    "C64": (np.complex64, torch.complex64), "F32": (np.float32, torch.float32),
    "I32": (np.int32, torch.int32), "BF16": (ml_dtypes.bfloat16, torch.bfloat16),
    "F16": (np.float16, torch.float16), "I16": (np.int16, torch.int16),
    "I8": (np.int8, torch.int8), "U8": (np.uint8, torch.uint8),
    "BOOL": (np.bool_, torch.bool),
}  # fmt: skip


def _parse(raw: bytes) -> tuple[dict, bytes]:
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + n]), raw[8 + n :]


def _mixed() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    out = {}
    for i, (code, (np_dtype, _)) in enumerate(CODES.items()):
        shape = (i % 3 + 1, 3) if i % 2 else (5,)
        out[f"t.{code.lower()}"] = (rng.standard_normal(shape) * 9).astype(np_dtype)
    out["scalar"] = np.array(2.5, np.float32)
    out["empty"] = np.zeros((0, 4), np.float32)
    return out


def test_matches_reference_serializer_bytes():
    # The two expected outputs of the reference implementation's own unit tests
    # (safetensors/src/tensor.rs: test_serialization, test_serialization_forced_alignement).
    data = np.arange(6, dtype=np.float32)
    header = b'{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'
    assert len(header) == 64
    expected = struct.pack("<Q", 64) + header + data.tobytes()
    assert (
        safetensors.save({"attn.0": fl.from_numpy(data.reshape(1, 2, 3))}) == expected
    )

    header = b'{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}'
    expected = struct.pack("<Q", 72) + header + b" " * 7 + data.tobytes()
    assert (
        safetensors.save({"attn0": fl.from_numpy(data.reshape(1, 1, 2, 3))}) == expected
    )


def test_empty_file_and_metadata_bytes():
    assert safetensors.save({}) == struct.pack("<Q", 8) + b"{}" + b" " * 6
    meta = b'{"__metadata__":{"framework":"pt"}}'
    out = safetensors.save({}, metadata={"framework": "pt"})
    assert out == struct.pack("<Q", 40) + meta + b" " * 5


def test_layout_follows_spec(tmp_path):
    tensors = _mixed()
    safetensors.save_file(
        {k: fl.from_numpy(v) for k, v in tensors.items()}, tmp_path / "m.safetensors",
        metadata={"format": "pt", "note": "ünïcode"},
    )  # fmt: skip
    raw = (tmp_path / "m.safetensors").read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0 and raw[8 + n - 1 : 8 + n] in (b" ", b"}")
    header, data = _parse(raw)
    assert next(iter(header)) == "__metadata__"
    assert header.pop("__metadata__") == {"format": "pt", "note": "ünïcode"}
    # Decreasing dtype alignment, then name, as the reference writer orders them.
    rank = ["BOOL", "U8", "I8", "I16", "F16", "BF16", "I32", "F32", "C64", "F64", "I64"]
    names = list(header)
    assert names == sorted(names, key=lambda k: (-rank.index(header[k]["dtype"]), k))
    position = 0
    for name in names:
        entry = header[name]
        begin, end = entry["data_offsets"]
        assert begin == position
        np_dtype = CODES[entry["dtype"]][0] if name[0] == "t" else np.float32
        assert (8 + n + begin) % np.dtype(np_dtype).itemsize == 0  # aligned data
        value = np.frombuffer(data[begin:end], np_dtype).reshape(entry["shape"])
        np.testing.assert_array_equal(value, tensors[name])
        position = end
    assert position == len(data)


def test_torch_reads_our_file_with_frombuffer(tmp_path):
    tensors = _mixed()
    safetensors.save_file(
        {k: fl.from_numpy(v) for k, v in tensors.items()}, tmp_path / "m"
    )
    header, data = _parse((tmp_path / "m").read_bytes())
    header.pop("__metadata__", None)
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        torch_dtype = CODES[entry["dtype"]][1]
        if begin == end:
            got = torch.empty(entry["shape"], dtype=torch_dtype)
        else:
            got = torch.frombuffer(bytearray(data[begin:end]), dtype=torch_dtype)
        got = got.reshape(entry["shape"])
        want = tensors[name]
        if torch_dtype == torch.bfloat16:
            got, want = got.view(torch.int16), want.view(np.int16)
        assert torch.equal(got, torch.from_numpy(np.array(want)))


def _handwritten(tensors: dict[str, torch.Tensor], order: list[str]) -> bytes:
    """A file written independently from torch's bytes, in an arbitrary order."""
    code_of = {t: c for c, (_, t) in CODES.items()}
    header, chunks, offset = {}, [], 0
    for name in order:
        t = tensors[name].contiguous()
        raw = t.view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": code_of[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}  # fmt: skip
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, indent=1).encode()  # any valid JSON layout is allowed
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def test_reads_torch_tensors_written_in_any_order(tmp_path):
    torch.manual_seed(0)
    tensors = {
        f"w{i}": (torch.randn(2, 3) * 9).to(t)
        for i, (_, t) in enumerate(CODES.values())
    }
    (tmp_path / "t").write_bytes(_handwritten(tensors, sorted(tensors, reverse=True)))
    out = safetensors.load_file(tmp_path / "t")
    assert set(out) == set(tensors)
    for name, want in tensors.items():
        assert isinstance(out[name], fl.Tensor)
        got = np.asarray(out[name].numpy())
        if want.dtype == torch.bfloat16:
            np.testing.assert_array_equal(
                got.view(np.int16), want.view(torch.int16).numpy()
            )
        else:
            np.testing.assert_array_equal(got, want.numpy())


def test_safe_open_frameworks_keys_metadata_and_slices(tmp_path):
    tensors = _mixed()
    path = tmp_path / "m.safetensors"
    safetensors.save_file(
        tensors, path, metadata={"epoch": "3"}
    )  # numpy leaves accepted
    with safe_open(path, framework="np") as f:
        assert f.metadata() == {"epoch": "3"}
        keys = f.keys()
        assert sorted(keys) == sorted(tensors)
        for name in keys:
            got = f.get_tensor(name)
            assert isinstance(got, np.ndarray) and got.dtype == tensors[name].dtype
            np.testing.assert_array_equal(got, tensors[name])
        sl = f.get_slice("t.f32")
        assert (
            sl.get_shape() == list(tensors["t.f32"].shape) and sl.get_dtype() == "F32"
        )
        np.testing.assert_array_equal(sl[1:, ::2], tensors["t.f32"][1:, ::2])
    with safe_open(path, framework="jax") as f:
        assert isinstance(f.get_tensor("t.f64"), jax.Array)
    with safe_open(path, framework="pt") as f:
        assert isinstance(f.get_tensor("scalar"), fl.Tensor)
        assert f.get_tensor("scalar").shape == ()
        with pytest.raises(KeyError, match="no tensor named 'nope'"):
            f.get_tensor("nope")
    with pytest.raises(ValueError, match="framework 'tf'"):
        safe_open(path, framework="tf")


def test_bytes_api_round_trip():
    tensors = {k: fl.from_numpy(v) for k, v in _mixed().items()}
    out = safetensors.load(safetensors.save(tensors))
    for name, value in tensors.items():
        np.testing.assert_array_equal(
            np.asarray(out[name].numpy()), np.asarray(value.numpy())
        )


def test_shared_tensor_and_bad_arguments_are_rejected(tmp_path):
    w = fl.from_numpy(np.ones(2, np.float32))
    with pytest.raises(SafetensorError, match="'a' and 'b' are the same tensor"):
        safetensors.save_file({"a": w, "b": w}, tmp_path / "x")
    with pytest.raises(TypeError, match="metadata must be a dict of str -> str"):
        safetensors.save_file({"a": w}, tmp_path / "x", metadata={"epoch": 3})
    with pytest.raises(TypeError, match="not a tensor"):
        safetensors.save_file({"a": [1.0]}, tmp_path / "x")
    assert list(tmp_path.iterdir()) == []


def test_crash_mid_save_leaves_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m"
    safetensors.save_file({"a": fl.from_numpy(np.ones(2, np.float32))}, path)
    before = path.read_bytes()

    def crash(fp, header, arrays):
        fp.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(_safetensors, "_write", crash)
    with pytest.raises(OSError, match="disk full"):
        safetensors.save_file({"b": fl.from_numpy(np.zeros(3, np.float32))}, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def _file(header: dict | bytes, data: bytes = b"", n: int | None = None) -> bytes:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text) if n is None else n) + text + data


F32_2 = {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        (b"\x01\x00", "too small"),
        (_file(b"{}", n=200_000_000), "exceeds 100000000"),
        (_file(b"{}", n=50), "runs past the end"),
        (_file(b"\xff\xfe{}"), "not UTF-8"),
        (_file(b"[1, 2]"), "does not start with"),
        (_file(b"{not json}"), "not valid JSON"),
        (_file({"a": {**F32_2, "dtype": "Q8"}}, bytes(8)), "unknown dtype 'Q8'"),
        (_file({"a": {"dtype": "F32", "shape": [2]}}, bytes(8)), "must be"),
        (_file({"a": {**F32_2, "shape": [-2]}}, bytes(8)), "must be"),
        (_file({"a": F32_2, "b": F32_2}, bytes(8)), "must not overlap"),
        (_file({"a": {**F32_2, "data_offsets": [4, 12]}}, bytes(12)), "previous tensor ends at 0"),
        (_file({"a": {**F32_2, "data_offsets": [0, 12]}}, bytes(12)), "needs 8 bytes"),
        (_file({"a": F32_2}, bytes(4)), "truncated file"),
        (_file({"a": F32_2}, bytes(9)), "trailing bytes"),
        (_file({"__metadata__": {"k": 1}}), "__metadata__ must map str to str"),
        # 2**128 elements: an int64 product would wrap to 0 and match [0, 0]
        (_file({"a": {**F32_2, "shape": [2**32] * 4, "data_offsets": [0, 0]}}),
         "needs 1361129467683753853853498429727072845824 bytes"),
    ],
    ids=[
        "tiny", "huge-header", "header-past-eof", "utf8", "not-object", "json",
        "dtype", "missing-key", "negative-shape", "overlap", "gap", "size-mismatch",
        "truncated", "trailing", "metadata", "overflow",
    ],
)  # fmt: skip
def test_invalid_headers_raise_clear_errors(tmp_path, raw, match):
    (tmp_path / "bad").write_bytes(raw)
    with pytest.raises(SafetensorError, match=match):
        safetensors.load_file(tmp_path / "bad")
    with pytest.raises(SafetensorError, match=match):
        safetensors.load(raw)
