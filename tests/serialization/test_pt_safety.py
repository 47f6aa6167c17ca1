"""Hostile, corrupt and truncated files; crash-safe saving."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
from _zip_helpers import rezip

import functorch_lite as fl
from functorch_lite.serialization import CheckpointError, _pt_writer, load, save


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.pt"
    save({"w": fl.from_numpy(np.arange(6, dtype=np.float32)), "n": 3}, path)
    return path


class _RunsShell:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_pickled_os_system_is_rejected_and_not_run(tmp_path, good):
    marker = tmp_path / "pwned"
    evil = pickle.dumps({"w": _RunsShell(marker)}, protocol=2)
    rezip(good, tmp_path / "evil.pt", {"data.pkl": evil})
    with pytest.raises(
        CheckpointError, match=r"refusing to load '(posix|os|nt)\.system'"
    ):
        load(tmp_path / "evil.pt")
    assert not marker.exists()


@pytest.mark.parametrize(
    "payload",
    [
        # BUILD on an allowed global (would setattr on our dtype object)
        b"\x80\x02ctorch\nfloat32\nN}X\x08\x00\x00\x00np_dtypeNs\x86b.",
        # BUILD with a non-dict state on an OrderedDict
        b"\x80\x02ccollections\nOrderedDict\n)RK\x01b.",
        # a global reached through the copyreg extension registry (EXT1)
        b"\x80\x02\x82\x01.",
        # builtins.eval spelled the protocol-2 way
        b"\x80\x02c__builtin__\neval\nX\x04\x00\x00\x001+1\x85R.",
    ],
    ids=["build-on-dtype", "build-non-dict", "ext-opcode", "eval"],
)
def test_other_code_paths_are_rejected(tmp_path, good, payload):
    rezip(good, tmp_path / "evil.pt", {"data.pkl": payload})
    with pytest.raises(CheckpointError):
        load(tmp_path / "evil.pt")
    assert fl.float32.np_dtype == np.float32


def test_codecs_encode_only_builds_bytes(tmp_path, good):
    payload = (
        b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x06\x00\x00\x00base64\x86R."
    )
    rezip(good, tmp_path / "e.pt", {"data.pkl": payload})
    with pytest.raises(CheckpointError, match="only allowed to rebuild bytes"):
        load(tmp_path / "e.pt")


def test_truncated_file(tmp_path, good):
    raw = good.read_bytes()
    for cut in (len(raw) // 2, 100, 3):
        (tmp_path / "cut.pt").write_bytes(raw[:cut])
        with pytest.raises(CheckpointError):
            load(tmp_path / "cut.pt")


def test_empty_and_foreign_files(tmp_path):
    (tmp_path / "empty.pt").write_bytes(b"")
    with pytest.raises(CheckpointError, match="is empty"):
        load(tmp_path / "empty.pt")
    (tmp_path / "text.pt").write_bytes(b"hello world, not a checkpoint")
    with pytest.raises(CheckpointError, match="not a PyTorch checkpoint"):
        load(tmp_path / "text.pt")
    (tmp_path / "legacy.pt").write_bytes(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.")
    with pytest.raises(CheckpointError, match="legacy"):
        load(tmp_path / "legacy.pt")


@pytest.mark.parametrize(
    ("replace", "match"),
    [
        ({"data.pkl": None}, "no 'archive/data.pkl' record"),
        ({"data/0": None}, "missing the storage record 'archive/data/0'"),
        ({"data/0": b"\x00" * 8}, "holds 8 bytes but the checkpoint says it has 6"),
        ({"data.pkl": b"\x80\x02}q\x00(X"}, "data.pkl.*is corrupt"),
        ({"byteorder": b"middle"}, "unknown byte order"),
    ],
    ids=["no-pickle", "no-storage", "short-storage", "truncated-pickle", "byteorder"],
)
def test_corrupt_records(tmp_path, good, replace, match):
    rezip(good, tmp_path / "bad.pt", replace)
    with pytest.raises(CheckpointError, match=match):
        load(tmp_path / "bad.pt")


def test_flipped_data_byte_fails_crc(tmp_path, good):
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("archive/data/0")
    name_len, extra_len = np.frombuffer(raw, "<u2", 2, info.header_offset + 26)
    raw[info.header_offset + 30 + name_len + extra_len] ^= 0xFF
    (tmp_path / "flip.pt").write_bytes(bytes(raw))
    with pytest.raises(CheckpointError, match="CRC"):
        load(tmp_path / "flip.pt")


def test_view_past_the_end_of_its_storage(monkeypatch):
    # A record whose strides reach past its storage must not read stray memory.
    monkeypatch.setattr(
        _pt_writer, "_contiguous_strides", lambda shape: (100,) * len(shape)
    )
    buf = io.BytesIO()
    save({"w": fl.from_numpy(np.ones((2, 2), np.float32))}, buf)
    buf.seek(0)
    with pytest.raises(CheckpointError, match="reaches element 200 of storage '0'"):
        load(buf)


def test_crash_mid_save_keeps_old_file_and_leaves_no_temp(tmp_path, good, monkeypatch):
    before = good.read_bytes()
    real = _pt_writer._write_record

    def crash_on_second_storage(zf, name, data):
        if name == "data/1":
            raise OSError("disk full")
        real(zf, name, data)

    monkeypatch.setattr(_pt_writer, "_write_record", crash_on_second_storage)
    new = {
        "a": fl.from_numpy(np.zeros(4, np.float32)),
        "b": fl.from_numpy(np.ones(4, np.float32)),
    }
    with pytest.raises(OSError, match="disk full"):
        save(new, good)
    assert good.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.pt"]
    np.testing.assert_array_equal(load(good)["w"].numpy(), np.arange(6))


def test_save_replaces_existing_file_and_keeps_its_permissions(tmp_path, good):
    os.chmod(good, 0o640)
    save(OrderedDict(x=fl.from_numpy(np.ones(1, np.float32))), good)
    assert list(load(good)) == ["x"]
    assert os.stat(good).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.pt"]


def test_new_file_gets_umask_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        save({}, tmp_path / "new.pt")
    finally:
        os.umask(umask)
    assert os.stat(tmp_path / "new.pt").st_mode & 0o777 == 0o644
