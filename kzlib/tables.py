"""Writing tables for people and programs: aligned terminal text, CSV, JSON, Excel."""

from __future__ import annotations

import io
import sys
import unicodedata
from pathlib import Path
from typing import TextIO

import pandas as pd

from kzlib import files
from kzlib.cells import neutralised

FORMATS = ("table", "csv", "json", "xlsx")


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _cell(value: object, limit: int) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    text = " ".join(text.split())
    while display_width(text) > limit:
        text = text[:-2] + "…"
    return text


def fit_encoding(text: str, encoding: str) -> str:
    """The text as the encoding can carry it: a character it lacks becomes its compatibility form when that
    fits (km² on a GBK console: km2), else "?"; a console that cannot show a character must not crash kz."""
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    fitted = []
    for char in text:
        for candidate in (char, unicodedata.normalize("NFKC", char), "?"):
            try:
                candidate.encode(encoding)
            except UnicodeEncodeError:
                continue
            fitted.append(candidate)
            break
    return "".join(fitted)


def terminal_table(df: pd.DataFrame, limit: int = 40) -> str:
    """The frame as a plain-text table whose Chinese columns line up."""
    cells = [[_cell(v, limit) for v in row] for row in df.itertuples(index=False)]
    heads = [str(c) for c in df.columns]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(heads)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(heads, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _safe_cell(value: object) -> object:
    value = neutralised(value)
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell that a spreadsheet would run as a formula (=, +, -, @ …) neutralised, and
    line breaks written as \n (a lone carriage return would end a CSV row)."""
    text = [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]
    return df.assign(**{c: df[c].map(_safe_cell) for c in text}) if text else df


def xlsx_bytes(df: pd.DataFrame) -> bytes:
    """The frame as an .xlsx workbook in memory (written to disk in one piece by kzlib.files)."""
    buffer = io.BytesIO()
    df.to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


def write_table(df: pd.DataFrame, fmt: str, out: str | Path | None = None, stream: TextIO | None = None) -> None:
    """Write the frame as table, csv, json or xlsx to a file (atomically) or standard output."""
    stream = stream or sys.stdout
    df = df.round(10)  # binary noise such as 313.09000000000003 is not a figure anyone published
    if fmt == "xlsx":
        if out is None:
            raise ValueError("xlsx needs an output file (-o FILE)")
        files.write_atomic(out, xlsx_bytes(spreadsheet_safe(df)))
        return
    if fmt == "csv":
        text = spreadsheet_safe(df).to_csv(index=False)
    elif fmt == "json":
        text = df.to_json(orient="records", force_ascii=False, indent=1) + "\n"
    elif fmt == "table":
        text = terminal_table(df) + "\n"
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if out is None:
        stream.write(fit_encoding(text, getattr(stream, "encoding", None) or "utf-8"))
    else:
        files.write_atomic(out, text)
