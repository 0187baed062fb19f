"""Render the briefs: papermill runs each notebook in a fresh warm kernel, nbconvert exports one offline HTML file.

One process does the whole job, briefs in parallel (one worker per core). Each brief gets a fresh ipykernel of
its own, discarded after use; kernels are forked from a "zygote" process that imported ipykernel and kzlib
once, so a kernel is ready in a tenth of a second with the same state every time (results do not depend on
order or parallelism), and they talk over IPC sockets, so parallel kernels never race for TCP ports. One
HTMLExporter with the offline template in kzlib/templates/brief is set up once and reused. A brief whose
inputs have not changed since its last good render is skipped (see `brief_digest`); heavy modules are
imported only when something is rendered, so a run with nothing to do finishes well under a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kzlib import files, forkkernels, kernels, paths, settings
from kzlib.errors import KzError, ObservationError, Problem

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
TEMPLATE_NAME = "brief"
# What every brief does first, done once in the zygote: imports, the project's data read, fonts loaded. A failure
# here is harmless (the zygote ignores it): the brief's own cells then do the work and report any error.
PRELOAD = "import kzlib.brief; kzlib.brief.warm()"
CELL_TIMEOUT = 600
MANIFEST_VERSION = 2
LOCK_NAME = ".kz-render.lock"  # one kz render at a time on an outputs folder
LEGACY_TEMPS = (".*.tmp",)  # temporary files of renders before kzlib.files
COMMENTARY = "commentary"  # the plan's commentary/: each brief reads its own file only
POLL = 0.2  # seconds between looks at the workers, so that Ctrl-C is seen at once


@dataclass(frozen=True)
class Brief:
    """One brief to render: which notebook, with which parameters, in which language."""

    name: str
    lang: str
    notebook: Path
    parameters: tuple[tuple[str, object], ...]

    @property
    def key(self) -> str:
        """Name of the brief in the manifest and in messages, e.g. `zh/action-03`."""
        return f"{self.lang}/{self.name}"

    def params(self) -> dict:
        """Parameters as papermill takes them."""
        return dict(self.parameters)

    def html(self, out: Path) -> Path:
        """Where the published brief goes."""
        return out / "html" / self.lang / f"{self.name}.html"

    def executed(self, out: Path) -> Path:
        """Where the executed notebook is kept for audit."""
        return out / "notebooks" / self.lang / f"{self.name}.ipynb"


@dataclass
class Report:
    """What a render did: brief keys rendered, skipped as unchanged, failed (with the reason), and time."""

    rendered: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    pending: list[str] = field(default_factory=list)  # to render, not rendered (yet)
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        """True when no brief failed."""
        return not self.failed

    def summary(self) -> str:
        """One line for the end of a run."""
        return (f"rendered {len(self.rendered)}, skipped-unchanged {len(self.unchanged)}, "
                f"failed {len(self.failed)} in {self.seconds:.1f} s")


    def interrupted_summary(self) -> str:
        """What an interrupted run did and did not do, for the line after "interrupted"."""
        done = f"rendered {len(self.rendered)}" + (f" ({', '.join(self.rendered)})" if self.rendered else "")
        left = self.pending + [k for k, _ in self.failed]
        kept = f"; not rendered {len(left)} ({', '.join(left)}): their last good versions are kept" if left else ""
        return done + kept


class RenderError(Exception):
    """A brief's notebook failed: names the brief, the failing cell and the error."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a render; `report` says what was rendered and what was not."""

    def __init__(self, report: Report):
        super().__init__("interrupted")
        self.report = report


# ---------------------------------------------------------------- which briefs, and are they fresh?

def plan_briefs(actions: Iterable[int], langs: Iterable[str], scenario: str, data: Sequence[Path],
                as_of: int | None, overview: bool, notebooks: Path) -> list[Brief]:
    """The briefs to render, action briefs first, then the overview, per language."""
    common = (("plan", str(paths.PLAN_DIR)), ("scenario", scenario), ("data", [str(p) for p in data]),
              ("as_of", as_of))
    out = []
    for lang in langs:
        for n in actions:
            out.append(Brief(f"action-{n:02d}", lang, notebooks / "action.ipynb",
                             (("action", int(n)), ("lang", lang), *common)))
        if overview:
            out.append(Brief("overview", lang, notebooks / "overview.ipynb", (("lang", lang), *common)))
    return out


def _hash_tree(h: hashlib._Hash, root: Path, skip: tuple[str, ...] = ("__pycache__",)) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not any(part in skip or part.startswith(".") for part in path.relative_to(root).parts):
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")


def environment_fingerprint() -> str:
    """Python, the installed distributions (names and versions) and the kernel spec, as one string."""
    import sysconfig

    parts = [sys.version, sys.executable]
    for entry in sorted({sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}):
        if os.path.isdir(entry):
            parts += sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".egg-info")))
    spec = Path(sys.prefix) / "share" / "jupyter" / "kernels" / settings.KERNEL_NAME / "kernel.json"
    if spec.is_file():
        parts.append(spec.read_text(encoding="utf-8"))
    return "\n".join(parts)


def code_digest(source: Path | None = None) -> str:
    """Digest of kzlib's source and the environment the briefs run in."""
    h = hashlib.sha256()
    _hash_tree(h, source or PACKAGE)
    h.update(environment_fingerprint().encode())
    return h.hexdigest()


def data_tree_digest(data: Sequence[Path], data_dir: Path | None = None, skip: tuple[str, ...] = ()) -> str:
    """Digest of every file under data/ (but folders named in `skip`) and of each extra data file."""
    h = hashlib.sha256()
    for folder in [data_dir] if data_dir else plan_folders():
        _hash_tree(h, folder, ("__pycache__", *skip))
    for path in data:
        h.update(str(path).encode() + b"\0" + Path(path).read_bytes() + b"\0")
    return h.hexdigest()


def inputs_digest(data: Sequence[Path], data_dir: Path | None = None, source: Path | None = None) -> str:
    """Digest of everything any brief may depend on: data/, extra data files, kzlib's source, environment."""
    return _combine(data_tree_digest(data, data_dir), code_digest(source))


def _combine(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def brief_digest(brief: Brief, shared: str) -> str:
    """Digest of one brief's notebook and parameters on top of a digest of its inputs."""
    h = hashlib.sha256(shared.encode())
    h.update(brief.notebook.read_bytes())
    h.update(json.dumps(brief.parameters, sort_keys=True).encode())
    return h.hexdigest()


def brief_keys(briefs: Sequence[Brief], ctx, code: str, tree: str) -> dict[str, str]:
    """Each brief's cache key from exactly the inputs it uses: for an action brief its own rows of data (with
    the file each comes from, so the `data` parameter itself is left out) and of the registry, its commentary
    and the scenario (kzlib.briefdata.action_digest); for the overview the whole data tree (`tree`) and every
    parameter; for both the notebook and the code (`code`)."""
    from kzlib import briefdata, related

    links = related.load_related(ctx.registry, ctx.observations) if any("action" in b.params() for b in briefs) \
        else None
    keys = {}
    for b in briefs:
        params = b.params()
        if "action" in params:
            inputs = briefdata.action_digest(ctx, params["action"], b.lang, links)
            b = Brief(b.name, b.lang, b.notebook, tuple((k, v) for k, v in b.parameters if k != "data"))
        else:
            inputs = _combine(tree, briefdata.file_digest(briefdata.commentary_file(b.lang, b.name)))
        keys[b.key] = brief_digest(b, _combine(code, inputs))
    return keys


def _stamp(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _entries(doc: object) -> dict[str, dict]:
    """The manifest's entries, keeping only those of the expected shape (a damaged manifest re-renders)."""
    if not isinstance(doc, dict) or doc.get("version") != MANIFEST_VERSION or not isinstance(doc.get("entries"), dict):
        return {}
    return {k: e for k, e in doc["entries"].items() if isinstance(e, dict) and isinstance(e.get("digest"), str)
            and isinstance(e.get("files"), list)}


class Manifest:
    """The cache record under outputs/cache/: per output, the digest of the inputs it was made from, and the
    quick digest (every input of any brief) it was last found current under."""

    def __init__(self, out: Path):
        self.path = out / "cache" / "manifest.json"
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            doc = {}
        self.entries: dict[str, dict] = _entries(doc)
        self._lock = threading.Lock()

    def _files_ok(self, entry: dict, files_: Sequence[Path]) -> bool:
        return entry["files"] == [_stamp(f) for f in files_]

    def fresh(self, key: str, digest: str, files_: Sequence[Path]) -> bool:
        """True when `key` was made from inputs with this digest and its files are as it left them."""
        entry = self.entries.get(key)
        return bool(entry) and entry["digest"] == digest and self._files_ok(entry, files_)

    def fresh_quick(self, key: str, quick: str, files_: Sequence[Path]) -> bool:
        """True when `key` was current when every input had this quick digest, and its files are untouched."""
        entry = self.entries.get(key)
        return bool(entry) and entry.get("quick") == quick and self._files_ok(entry, files_)

    def record(self, key: str, digest: str, files_: Sequence[Path], quick: str | None = None) -> None:
        """Note that `key` was made from `digest` (current under `quick`), and save the manifest at once."""
        with self._lock:
            self.entries[key] = {"digest": digest, "files": [_stamp(f) for f in files_],
                                 **({"quick": quick} if quick else {})}
            doc = {"version": MANIFEST_VERSION, "entries": self.entries}
            files.write_atomic(self.path, json.dumps(doc, indent=1, sort_keys=True))


# ---------------------------------------------------------------- execute and export

class Engine:
    """Executes briefs with papermill and exports them with one configured HTMLExporter."""

    def __init__(self):
        # jsonschema (through nbformat) imports rfc3987_syntax when installed, which compiles a grammar for
        # IRI format checks nbformat never uses: 1.2 s of start-up. Mark it absent in this process.
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
        import nbformat
        import papermill
        from nbconvert import HTMLExporter
        from papermill.exceptions import PapermillExecutionError

        self._nbformat = nbformat
        self._papermill = papermill
        self._failure = PapermillExecutionError
        self._exporter = HTMLExporter(
            extra_template_basedirs=[str(TEMPLATES)], template_name=TEMPLATE_NAME,
            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
            embed_images=True, optimistic_validation=True,
        )
        self._exporter.register_preprocessor(self._remove_parameter_cells(), enabled=True)
        self._export_lock = threading.Lock()
        self._exporter.from_notebook_node(nbformat.v4.new_notebook())  # compile the template now, not per brief

    @staticmethod
    def _remove_parameter_cells():
        from nbconvert.preprocessors import TagRemovePreprocessor

        return TagRemovePreprocessor(remove_cell_tags={"parameters", "injected-parameters"}, enabled=True)

    def execute(self, brief: Brief, km) -> object:
        """Run the brief's notebook in the given kernel; raise RenderError naming the failing cell."""
        try:
            return self._papermill.execute_notebook(
                str(brief.notebook), None, parameters=brief.params(), kernel_name=settings.KERNEL_NAME, language="python", km=km,
                progress_bar=False, request_save_on_cell_execute=False, start_timeout=kernels.START_TIMEOUT,
                execution_timeout=CELL_TIMEOUT,
            )
        except self._failure as exc:
            raise RenderError(describe_failure(brief, exc)) from None
        except Exception as exc:  # noqa: BLE001 - a dead kernel or timeout is one brief's failure
            raise RenderError(f"{brief.key}: {type(exc).__name__}: {exc}") from None

    def export(self, nb, brief: Brief) -> str:
        """The executed notebook as one self-contained HTML page."""
        nb.metadata["title"] = brief_title(nb) or brief.name
        with self._export_lock:
            body, _ = self._exporter.from_notebook_node(
                nb, resources={"metadata": {"name": brief.name}, "kz_lang": brief.lang})
        return body

    def notebook_text(self, nb) -> str:
        """The executed notebook as .ipynb text."""
        return self._nbformat.writes(nb)


def describe_failure(brief: Brief, exc) -> str:
    """Which cell of which notebook failed, and how, in one line."""
    nb_path = brief.notebook
    original = exc.cell_index
    try:
        cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
        first = next((line for line in exc.source.splitlines() if line.strip()), "")
        original = next(i for i, c in enumerate(cells) if "".join(c["source"]) == exc.source)
    except (OSError, ValueError, KeyError, StopIteration):
        first = exc.source.splitlines()[0] if exc.source else ""
    return (f"{brief.key}: cell {original + 1} of {nb_path.name} (`{first.strip()}`) failed: "
            f"{exc.ename}: {exc.evalue}")


def brief_title(nb) -> str | None:
    """The page title a brief's notebook set in its output metadata (`kzlib.title`), if any."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {})
            title = meta.get("text/html", {}).get("kzlib", {}).get("title") or meta.get("kzlib", {}).get("title")
            if title:
                return str(title)
    return None


# ---------------------------------------------------------------- the whole run

def index_html(actions, available: set[str]) -> str:
    """outputs/html/index.html: every brief in both languages, by action (kzlib/templates/index/index.html.j2)."""
    import jinja2

    from kzlib import labels

    env = jinja2.Environment(loader=jinja2.FileSystemLoader([TEMPLATES / "index", TEMPLATES / TEMPLATE_NAME]),
                             autoescape=True, keep_trailing_newline=True)
    rows = [{lang: ("overview", labels.label("brief.overview_title", lang)) for lang in settings.LANGS}]
    for a in actions.itertuples(index=False):
        rows.append({lang: (f"action-{int(a.action):02d}",
                            labels.action_title(a.action, getattr(a, f"title_{lang}"), lang))
                     for lang in settings.LANGS})
    words = {lang: labels.words("index", lang) for lang in settings.LANGS}
    title = {lang: labels.label("plan.title", lang) for lang in settings.LANGS}
    return env.get_template("index.html.j2").render(rows=rows, langs=settings.LANGS, available=available,
                                                    words=words, title=title)


def _print(line: str) -> None:
    print(line, flush=True)


def plan_folders() -> list[Path]:
    """The folders a plan's briefs read: its pack, and the packs it reads shared figures from."""
    from kzlib import plans

    return [paths.PLAN_DIR, *(plans.folder_of(name) for name in plans.current().observations_from)]


def plan_actions() -> tuple[int, ...]:
    """The numbers of the plan's actions, read from the registry's actions.yaml (light: no pandas)."""
    import yaml

    doc = yaml.safe_load((paths.REGISTRY / "actions.yaml").read_text(encoding="utf-8")) or {}
    return tuple(sorted(int(a["action"]) for a in doc.get("actions", []) if isinstance(a, dict) and "action" in a))


def render(actions: Iterable[int] | None = None, langs: Iterable[str] = settings.LANGS, scenario: str = "trend",
           data: Sequence[str | Path] = (), as_of: int | None = None, jobs: int | None = None,
           out: str | Path | None = None, force: bool = False, overview: bool | None = None,
           notebooks: str | Path | None = None, progress: Callable[[str], None] = _print,
           accept_jumps: bool = False) -> Report:
    """Render the briefs whose inputs changed (all with `force`); the overview comes with all the actions.

    Holds the outputs folder's lock; data are checked before any kernel starts (a figure far off its
    neighbour year in `data` is refused unless `accept_jumps`). Ctrl-C raises Interrupted with the report."""
    start = time.perf_counter()
    actions = sorted({int(a) for a in (plan_actions() if actions is None else actions)})
    langs = [lang for lang in settings.LANGS if lang in set(langs)]
    out = Path(out) if out is not None else paths.OUTPUTS
    notebooks = Path(notebooks) if notebooks is not None else paths.NOTEBOOKS
    data = [Path(p).resolve() for p in data]
    every = plan_actions()
    unknown = sorted(set(actions) - set(every))
    if unknown:
        raise KzError(f"unknown action {', '.join(map(str, unknown))}; the plan's actions are "
                          f"{', '.join(map(str, every))}")
    overview = set(actions) == set(every) if overview is None else overview
    briefs = plan_briefs(actions, langs, scenario, data, as_of, overview, notebooks)
    missing = [Problem(str(p), "file not found") for p in data if not p.is_file()]
    if missing:
        raise ObservationError(missing)
    report = Report()
    try:
        with files.locked(out, "kz render", LOCK_NAME, say=progress):
            clean_outputs(out)
            _render_locked(briefs, out, notebooks, jobs or os.cpu_count() or 1, force, report, progress,
                           (data, scenario, as_of, accept_jumps))
    except KeyboardInterrupt:
        report.interrupted = True
        report.seconds = time.perf_counter() - start
        raise Interrupted(report) from None
    report.seconds = time.perf_counter() - start
    return report


def clean_outputs(out: Path) -> None:
    """Remove what killed renders left in the outputs folders: temporary files, staging folders (under the lock)."""
    folders = [out, out / "cache", *(out / kind / lang for kind in ("html", "notebooks") for lang in settings.LANGS),
               out / "html", out / "notebooks"]
    for folder in folders:
        files.clean_leftovers(folder, LEGACY_TEMPS)


def _render_locked(briefs: list[Brief], out: Path, notebooks: Path, jobs: int, force: bool, report: Report,
                   progress: Callable[[str], None], inputs: tuple) -> None:
    """Which briefs may be stale (quick digest), then the work; under the outputs lock."""
    data, scenario, as_of, _ = inputs
    code, tree = code_digest(), data_tree_digest(data, skip=(COMMENTARY,))
    quick = _combine(data_tree_digest(data), code)
    manifest = Manifest(out)
    maybe = [b for b in briefs if force or not manifest.fresh_quick(b.key, brief_digest(b, quick), [b.html(out)])]
    report.unchanged += [b.key for b in briefs if b not in maybe]
    status_files = [out / "status.csv", out / "status.xlsx"]
    status_digest = hashlib.sha256(json.dumps([quick, scenario, as_of, [str(p) for p in data]]).encode()).hexdigest()
    status_todo = force or not manifest.fresh("status", status_digest, status_files)
    if maybe or status_todo or not (out / "html" / "index.html").exists():
        _work(maybe, (code, tree, quick), out, notebooks, jobs, force, manifest, report, progress,
              status=(status_files, status_digest) if status_todo else None, inputs=inputs)


def _stale(maybe: list[Brief], ctx, digests: tuple[str, str, str], out: Path, force: bool, manifest: Manifest,
           report: Report) -> tuple[list[Brief], dict[str, str]]:
    """The briefs whose own inputs changed, and every brief's key; the others are noted current."""
    code, tree, quick = digests
    keys = brief_keys(maybe, ctx, code, tree)
    todo = []
    for b in maybe:
        if not force and manifest.fresh(b.key, keys[b.key], [b.html(out)]):
            manifest.record(b.key, keys[b.key], [b.html(out)], brief_digest(b, quick))
            report.unchanged.append(b.key)
        else:
            todo.append(b)
    return todo, keys


def _refuse_jumps(data: Sequence[Path], registry) -> None:
    """Raise ObservationError if a figure of the extra files is far off its neighbour year."""
    from kzlib import observations

    jumps = observations.observation_report(*data, registry=registry, strict=False).jumps if data else []
    if jumps:
        raise ObservationError(jumps)


def _work(maybe: list[Brief], digests: tuple[str, str, str], out: Path, notebooks: Path, jobs: int, force: bool,
          manifest: Manifest, report: Report, progress: Callable[[str], None], status: tuple | None,
          inputs: tuple) -> None:
    from kzlib import context

    data, scenario, as_of, accept_jumps = inputs
    # The zygote only imports modules; no kernel starts and nothing is written before the data pass the check.
    zygote = forkkernels.Zygote(PRELOAD) if maybe and kernels.use_fork() else None
    try:
        ctx = context.load(data, scenario, as_of)
        if not accept_jumps:
            _refuse_jumps(data, ctx.registry)
        todo, keys = _stale(maybe, ctx, digests, out, force, manifest, report)
    except BaseException:
        if zygote is not None:
            zygote.kill()
        raise
    if zygote is not None and not todo:
        zygote.close()
    if todo:
        report.pending = [b.key for b in todo]
        _run(todo, keys, digests[2], out, notebooks, jobs, manifest, report, progress, zygote)
    if status is not None:
        try:
            _write_status(ctx.assessment, status[0])
        except Exception as exc:  # noqa: BLE001 - reported like a failed brief
            report.failed.append(("status", f"status table: {type(exc).__name__}: {exc}"))
            progress(f"status table FAILED  {type(exc).__name__}: {exc}")
        else:
            manifest.record("status", status[1], status[0])
    available = {f"{p.parent.name}/{p.stem}" for p in (out / "html").glob("*/*.html")}
    files.write_atomic(out / "html" / "index.html", index_html(ctx.registry.actions, available))


def _write_status(table, targets: list[Path]) -> None:
    from kzlib import tables

    for f in targets:
        tables.write_table(table, f.suffix.lstrip("."), f)


def _run(todo: list[Brief], keys: dict[str, str], quick: str, out: Path, notebooks: Path, jobs: int,
         manifest: Manifest, report: Report, progress: Callable[[str], None],
         zygote: forkkernels.Zygote | None) -> None:
    """Render the briefs with `jobs` daemon workers; Ctrl-C (or any error here) kills every kernel at once and
    is raised without waiting for the workers."""
    workers = max(1, min(jobs, len(todo)))
    pool = kernels.KernelPool(len(todo), ahead=workers, cwd=notebooks, preload=PRELOAD, zygote=zygote)
    waiting: queue.Queue = queue.Queue()
    for b in todo:
        waiting.put(b)
    results: queue.Queue = queue.Queue()
    stop = threading.Event()

    def one(brief: Brief) -> float:
        t0 = time.perf_counter()
        nb = _execute(engine, brief, pool, zygote)
        if stop.is_set():
            raise KeyboardInterrupt
        page = engine.export(nb, brief)
        files.write_atomic(brief.executed(out), engine.notebook_text(nb))
        files.write_atomic(brief.html(out), page)
        manifest.record(brief.key, keys[brief.key], [brief.html(out)], brief_digest(brief, quick))
        return time.perf_counter() - t0

    def worker() -> None:
        while not stop.is_set():
            try:
                brief = waiting.get_nowait()
            except queue.Empty:
                return
            try:
                results.put((brief, one(brief), None))
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                results.put((brief, None, exc))

    progress(f"rendering {len(todo)} brief{'s' if len(todo) != 1 else ''} with {workers} worker"
             f"{'s' if workers != 1 else ''} -> {out / 'html'}")
    try:
        engine = Engine()
        threads = [threading.Thread(target=worker, daemon=True, name=f"kz-render-{i}") for i in range(workers)]
        for t in threads:
            t.start()
        for done in range(1, len(todo) + 1):
            brief, secs, exc = _next(results)
            report.pending.remove(brief.key)
            _note(brief, secs, exc, done, len(todo), out, report, progress)
    except BaseException:  # Ctrl-C, or the progress line cannot be written: stop every kernel now
        signal_safe = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if signal_safe else None
        try:
            stop.set()
            pool.kill_all()
        finally:
            if signal_safe:
                signal.signal(signal.SIGINT, previous)
        raise
    for t in threads:
        t.join()
    pool.close()


def _next(results: queue.Queue) -> tuple:
    """The next finished brief, looking often enough that Ctrl-C is seen at once."""
    while True:
        try:
            return results.get(timeout=POLL)
        except queue.Empty:
            continue


def _note(brief: Brief, secs: float | None, exc: BaseException | None, done: int, total: int, out: Path,
          report: Report, progress: Callable[[str], None]) -> None:
    """Add a finished brief to the report and say so."""
    if exc is None:
        report.rendered.append(brief.key)
        size = brief.html(out).stat().st_size / 1024
        progress(f"[{done:>2}/{total}] {brief.key:<16} ok  {secs:5.1f} s  {size:4.0f} KB")
        return
    reason = str(exc) if isinstance(exc, RenderError | kernels.KernelError) else f"{brief.key}: {type(exc).__name__}: {exc}"
    report.failed.append((brief.key, reason))
    progress(f"[{done:>2}/{total}] {brief.key:<16} FAILED  {reason}")


def _execute(engine: Engine, brief: Brief, pool: kernels.KernelPool, zygote: forkkernels.Zygote | None):
    """Run a brief in a kernel of the pool; if its kernel died with the kernel helper (while starting or
    running), once more in a kernel of the restarted helper (which fails with the helper's reason if it cannot
    be restarted)."""
    try:
        km = pool.take()
    except kernels.KernelError:
        if zygote is None:
            raise
        return _execute_once(engine, brief, pool, pool.start_now())
    try:
        return engine.execute(brief, km)
    except RenderError:
        born = getattr(km, "kz_generation", None)
        if zygote is None or born is None or (born == zygote.generation and zygote.running()):
            raise
    finally:
        pool.release_later(km)
    return _execute_once(engine, brief, pool, pool.start_now())


def _execute_once(engine: Engine, brief: Brief, pool: kernels.KernelPool, km):
    try:
        return engine.execute(brief, km)
    finally:
        pool.release_later(km)
