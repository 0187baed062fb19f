"""Shared fixtures: the project's own registry and data (loaded once a session) and a temporary project folder.

A temporary project is a copy of data/ and notebooks/ in a fresh folder that kzlib is pointed at through the
KZ_ROOT environment variable (kzlib.paths), so a test may change any data file without touching the checkout.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from kzlib import context, paths
from kzlib.context import Context
from kzlib.registry import Registry

CHECKOUT = paths.PACKAGE_ROOT


@dataclass(frozen=True)
class Project:
    """A temporary project folder that kzlib reads while the fixture is active."""

    root: Path

    @property
    def data(self) -> Path:
        """The folder of its default plan (data/plans/<paths.DEFAULT_PLAN>/): registry, figures, scenarios."""
        return self.root / "data" / "plans" / paths.DEFAULT_PLAN

    def write(self, relative: str, text: str) -> Path:
        """Write a text file (UTF-8) at a path relative to the project root; return its path."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path


def make_project(folder: Path) -> Project:
    """Copy the checkout's data/ (without the user's saved scenarios) and notebooks/ into `folder`."""
    shutil.copytree(CHECKOUT / "data", folder / "data", ignore=shutil.ignore_patterns(
        "scenarios.user.yaml", ".kzstate.json", ".kz.lock"))  # this machine's own, git-ignored
    shutil.copytree(CHECKOUT / "notebooks", folder / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return Project(folder)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A fresh copy of the project that kzlib reads for the duration of one test."""
    made = make_project(tmp_path / "project")
    monkeypatch.setenv(paths.ENV_ROOT, str(made.root))
    return made


@pytest.fixture(autouse=True)
def plan_in_use() -> Iterator[None]:
    """Every test starts on the default plan; a plan a test makes current (kz --plan, plans.use) ends with it."""
    os.environ.pop(paths.ENV_PLAN, None)
    yield
    os.environ.pop(paths.ENV_PLAN, None)


@pytest.fixture(scope="module")
def module_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """A copy of the project that kzlib reads for every test of one module."""
    made = make_project(tmp_path_factory.mktemp("project"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(paths.ENV_ROOT, str(made.root))
        yield made


@pytest.fixture(scope="session")
def project_registry() -> Registry:
    """The checkout's registry."""
    return context.load_registry()


@pytest.fixture(scope="session")
def project_context() -> Context:
    """The checkout's data assessed under the trend scenario."""
    return context.load()


@pytest.fixture(scope="session")
def project_observations(project_context: Context) -> pd.DataFrame:
    """The checkout's figures."""
    return project_context.observations
