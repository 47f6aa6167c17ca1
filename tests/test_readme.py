"""The README's quickstart is real code: extract it and run it."""

from __future__ import annotations

import pathlib
import re
import runpy


def test_quickstart_runs(tmp_path: pathlib.Path) -> None:
    text = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "README has no python block"
    script = tmp_path / "quickstart.py"
    script.write_text(blocks[0])
    assert len(blocks[0].splitlines()) <= 25
    runpy.run_path(str(script))  # asserts the fitted parameters itself
