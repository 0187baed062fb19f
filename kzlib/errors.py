"""Error types for problems in the user's data, reported all at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in a data file: where it is and what was expected."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    entry: str | None = None
    sheet: str | None = None  # the worksheet, for a workbook of several sheets

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.entry:
            where.append(f"entry {self.entry}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


SHOWN_PROBLEMS = 50  # a longer list is cut, with a count per column of the rest


class KzError(Exception):
    """Base class of kzlib's errors that the CLI shows without a traceback; `exit_code` is what `kz` returns."""

    exit_code = 2


class DataError(KzError):
    """One or more problems in data files; `problems` lists each with its location."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """Readable list of the problems, one per line: the first SHOWN_PROBLEMS, then a count of the rest."""
        n = len(self.problems)
        head = f"{n:,} problem{'s' if n != 1 else ''} found in the data:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems[:SHOWN_PROBLEMS]),
                          *more_line(self.problems[SHOWN_PROBLEMS:])])


def more_line(rest: list[Problem]) -> list[str]:
    """The line that stands for problems left out: "… and N more", with how many fall in each column."""
    if not rest:
        return []
    counts: dict[str, int] = {}
    for p in rest:
        where = f"column {p.column}" if p.column else "no column"
        counts[where] = counts.get(where, 0) + 1
    parts = ", ".join(f"{n:,} in {where}" for where, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    return [f"  … and {len(rest):,} more: {parts}"]


class RegistryError(DataError):
    """Problems in the target registry files."""


class ObservationError(DataError):
    """Problems in observation files."""


class ScenarioError(DataError):
    """Problems in scenario files or growth overrides."""


class DocumentError(DataError):
    """A document (a bulletin as text, HTML, Word or PDF) that cannot be read; the message says what to do."""


class PlanTextError(DataError):
    """Problems reading a plan's text (kz plan draft)."""


class RequirementsLockError(DataError):
    """Problems in requirements.lock or its agreement with pyproject.toml."""


class WriteError(KzError):
    """A file could not be written (a full disk, a read-only folder, a folder where a file was named); the old
    file, if any, is kept."""

    exit_code = 1


class LockError(KzError):
    """Another kz command holds the folder this one must write, and did not let go in time."""

    exit_code = 1
