"""Rows of a pandas frame as plain dicts, fast."""

from __future__ import annotations

from typing import Any

import pandas as pd


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts of Python values, missing integers as None: what `frame.to_dict("records")` gives, in a
    fraction of its time (one conversion of the frame, not one per column)."""
    columns = list(frame.columns)
    return [{k: None if v is pd.NA else v for k, v in zip(columns, row, strict=True)}
            for row in frame.to_numpy(dtype=object)]
