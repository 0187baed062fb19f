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


class KzError(Exception):
    """Base class of kzlib's errors that the CLI shows without a traceback."""


class DataError(KzError):
    """One or more problems in data files; `problems` lists each with its location."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """Readable list of every problem, one per line."""
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found in the data:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


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


class LockError(DataError):
    """Problems in requirements.lock or its agreement with pyproject.toml."""
