"""Shared pytest set-up: make ``tests/`` importable for the helpers in it."""

from __future__ import annotations

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
