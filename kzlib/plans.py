"""The plan kzlib works on: a plan pack, a folder holding plan.yaml, plan.txt, registry/ and the plan's figures.

Packs live in `data/plans/<id>/` or anywhere else (a folder given by its path). The plan in use is named by the
environment variable KZ_PLAN (an id or a folder; `use` sets it, so kernels and child processes inherit it), else
paths.DEFAULT_PLAN, else the only pack there is. Everything a plan decides (its years, the word for its
sections, its titles) is read from plan.yaml here; nothing of one plan is left in code.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import yaml

from kzlib import paths
from kzlib.errors import Problem, RegistryError

ENV_PLAN = paths.ENV_PLAN
PLAN_FILE = paths.PLAN_FILE
REQUIRED = ("id", "title_zh", "title_en", "start_year", "end_year", "base_year", "section_zh", "section_en")


@dataclass(frozen=True)
class Plan:
    """One plan: what plan.yaml says of it, and its folder."""

    id: str
    folder: Path
    title_zh: str
    title_en: str
    start_year: int
    end_year: int
    base_year: int
    section_zh: str  # the plan's word for its sections: 行动, 章, 领域 …
    section_en: str  # Action, Chapter, Area …
    short_zh: str = ""  # the plan in a running head (default: its title)
    short_en: str = ""
    document_zh: str = "方案"  # what the plan calls itself in a sentence: 方案, 规划, 纲要
    document_en: str = "plan"
    numbering_zh: str = "{section}{n}"  # how one section is named: 行动三; 第{n}章 for a chapter
    numbering_en: str = "{section} {n}"
    issuer_zh: str = ""  # 重庆市开州区人民政府
    issuer_en: str = ""
    issued_zh: str = ""  # 2023年7月
    issued_en: str = ""
    date: str = ""  # when it was issued, as the source gives it (2023-07-09)
    source_title: str = ""  # where the text was read
    source_link: str = ""
    observations_from: tuple[str, ...] = ()  # other packs whose figures this plan reads for the indicators it shares
    data_first_year: int | None = None  # figures before this year are refused (default: base year − 7)
    gap_first_year: int | None = None  # data requests ask from this year (default: base year − 2)

    def text(self, name: str, lang: str) -> str:
        """A field in one language (title, short, section, document, issuer, issued)."""
        value = getattr(self, f"{name}_{lang}")
        if name == "short" and not value:
            return getattr(self, f"title_{lang}")
        return value

    @property
    def first_data_year(self) -> int:
        """The earliest year a figure may have."""
        return self.data_first_year if self.data_first_year is not None else self.base_year - 7

    @property
    def first_gap_year(self) -> int:
        """The first year a data request asks figures for (the years before the plan, from the baseline)."""
        return self.gap_first_year if self.gap_first_year is not None else self.base_year - 2

    def file(self, relative: str) -> Path:
        """A path inside the pack."""
        return self.folder / relative


def folder_of(name: str | Path) -> Path:
    """The folder of a plan named by its id (data/plans/<id>) or by a folder holding plan.yaml."""
    found = paths.find_plan(name)
    if found is None:
        known = ", ".join(paths.plan_ids()) or "none"
        raise RegistryError([Problem(str(name), f"no plan pack here: expected a folder with {PLAN_FILE}, or the id "
                                                f"of a pack in {paths.shown(paths.PLANS)} ({known})")])
    return found


RECHECK = 1.0  # seconds a plan in use is taken as read before its plan.yaml is looked at again
_in_use: dict[tuple[str, str], tuple[float, Plan]] = {}


def current() -> Plan:
    """The plan in use (kzlib.paths.plan_name), read from its plan.yaml (cached while the file is unchanged, looked
    at again at most once every RECHECK seconds: labels ask for it at every word)."""
    key = (os.environ.get(ENV_PLAN, ""), os.environ.get(paths.ENV_ROOT, ""))
    seen = _in_use.get(key)
    now = time.monotonic()
    if seen is None or now - seen[0] > RECHECK:
        seen = _in_use[key] = (now, load(paths.plan_name()))
    return seen[1]


def use(name: str | Path | None) -> Plan:
    """Make a plan the one in use for this process and the processes it starts; None keeps the current one."""
    if name is not None and str(name).strip():
        os.environ[ENV_PLAN] = str(folder_of(name))
    return current()


def load(name: str | Path) -> Plan:
    """A plan by id or folder, without making it the one in use."""
    folder = folder_of(name)
    stat = (folder / PLAN_FILE).stat()
    return _read(folder, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _read(folder: Path, _mtime: int, _size: int) -> Plan:
    """Read and check plan.yaml; every problem at once, with its field."""
    path = folder / PLAN_FILE
    shown = paths.shown(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RegistryError([Problem(shown, f"not valid YAML: {exc}")]) from None
    if not isinstance(doc, dict):
        raise RegistryError([Problem(shown, "expected a mapping of fields (id, title_zh, start_year …)")])
    known = {f.name for f in fields(Plan)} - {"folder"}
    problems = [Problem(shown, "required field is missing", column=k) for k in REQUIRED if doc.get(k) in (None, "")]
    problems += [Problem(shown, f"unknown field; expected one of {', '.join(sorted(known))}", column=k)
                 for k in doc if k not in known]
    for k in ("start_year", "end_year", "base_year", "data_first_year", "gap_first_year"):
        if doc.get(k) is not None and not (isinstance(doc[k], int) and 1900 < doc[k] < 2200):
            problems.append(Problem(shown, f"expected a year, got {doc[k]!r}", column=k))
    if not problems and not doc["base_year"] < doc["start_year"] <= doc["end_year"]:
        problems.append(Problem(shown, "expected base_year < start_year <= end_year", column="base_year"))
    for k in ("numbering_zh", "numbering_en"):
        if k in doc and "{n}" not in str(doc[k]):
            problems.append(Problem(shown, "expected a pattern with {n} (and optionally {section})", column=k))
    if problems:
        raise RegistryError(problems)
    values = {k: v for k, v in doc.items() if k in known}
    values["observations_from"] = tuple(str(v) for v in (doc.get("observations_from") or ()))
    values = {k: (str(v) if isinstance(v, str | dt.date) else v) for k, v in values.items()}  # a date as written
    return Plan(folder=folder, **values)
