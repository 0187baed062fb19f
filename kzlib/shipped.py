"""The shipped data files (the plan's observations.csv, milestones.csv, related.csv) checked as strictly as new ones.

Each must be a well-formed CSV: no unbalanced quote, every row as long as the header, the last line ended as
kzlib and Excel end it. And it must hold at least as many rows as `kz data add` last wrote to it: the row count
and hash of what it wrote are kept in `.kzstate.json` beside the file (one small file per data folder, written
with the data under the folder's lock), so a file cut short by a crash, a full disk or a bad copy is caught
before any brief is made from half the data.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path

from kzlib import files
from kzlib.errors import ObservationError, Problem
from kzlib.sheets import CSV_FIELD_LIMIT, Unreadable, csv_problem, decode_csv_bytes, display_path

STATE_NAME = ".kzstate.json"
STATE_VERSION = 1
_CHECKED: dict[tuple, list[Problem]] = {}


def state_path(path: Path) -> Path:
    """The state file that records what kzlib wrote to the data files of `path`'s folder."""
    return path.parent / STATE_NAME


def _stat(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def read_state(path: Path) -> dict:
    """What kzlib last wrote to each data file of `path`'s folder: name -> {rows, sha256, written}."""
    try:
        doc = json.loads(state_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = doc.get("files") if isinstance(doc, dict) and doc.get("version") == STATE_VERSION else None
    return {k: v for k, v in entries.items() if isinstance(v, dict) and isinstance(v.get("rows"), int)} \
        if isinstance(entries, dict) else {}


def _rows(text: str, file: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The non-blank rows of a CSV text with their line numbers, or the problem that stops reading it."""
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, start = [], 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        return rows, [Problem(file, csv_problem(str(exc), start, reader.line_num), row=start)]
    return rows, []


def problems(path: str | Path) -> list[Problem]:
    """Everything wrong with a shipped CSV file's shape and size (nothing when it does not exist)."""
    path = Path(path)
    key = (str(path.resolve()), _stat(path), _stat(state_path(path)))
    if key[1] is None:
        return []
    if key in _CHECKED:
        return _CHECKED[key]
    file = display_path(path)
    data = path.read_bytes()
    try:
        text = decode_csv_bytes(data)
    except Unreadable as exc:
        return [Problem(file, str(exc))]
    rows, found = _rows(text, file)
    if text and not text.endswith(("\n", "\r")):
        found.append(Problem(file, "the last line ends without a line break: the file looks cut off (kzlib and "
                                   "Excel end every line); restore it, or end the last line if you typed it",
                             row=rows[-1][0] if rows else None))
    width = len(rows[0][1]) if rows else 0
    found += [Problem(file, f"{len(cells)} cells where the header has {width}: the row is "
                            f"{'cut short' if len(cells) < width else 'too long'} (a lost or extra comma, or a file "
                            "cut off)", row=n) for n, cells in rows[1:] if len(cells) != width]
    written = read_state(path).get(path.name)
    if written and len(rows) - 1 < written["rows"]:
        found.append(Problem(file, f"holds {max(len(rows) - 1, 0)} rows, but kz data add wrote {written['rows']} on "
                                   f"{written.get('written', '?')}: rows were lost. Restore the file (e.g. `git checkout "
                                   f"{file}`); if you removed the rows on purpose, delete {display_path(state_path(path))}"))
    _CHECKED[key] = found
    return found


def check(*paths: str | Path) -> None:
    """Raise ObservationError naming every problem of these shipped files."""
    found = [p for path in paths for p in problems(path)]
    if found:
        raise ObservationError(found)


def record(path: str | Path) -> None:
    """Note the row count and hash of a data file kzlib has just written (call under the folder's lock)."""
    path = Path(path)
    data = path.read_bytes()
    rows, _ = _rows(decode_csv_bytes(data), display_path(path))
    doc = {"version": STATE_VERSION, "files": read_state(path)}
    doc["files"][path.name] = {"rows": max(len(rows) - 1, 0), "sha256": hashlib.sha256(data).hexdigest(),
                               "written": dt.datetime.now().isoformat(timespec="seconds")}
    files.write_atomic(state_path(path), json.dumps(doc, indent=1, sort_keys=True) + "\n")
