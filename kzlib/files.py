"""Writing files safely: one atomic writer for every file kzlib writes, an exclusive lock per folder for the
commands that write it, and cleaning up what killed runs left behind.

A file is written to a temporary name in its own folder (`.kz-<pid>-<random>-<name>`), flushed to disk and
renamed over the target, so a reader sees the old file or the new one, never half of either. The process id
in the name tells a later run whether the writer is still alive; leftovers of dead writers are removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from kzlib.errors import LockError, WriteError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: locks by exclusive creation instead
    fcntl = None  # type: ignore[assignment]

ENV_LOCK_TIMEOUT = "KZ_LOCK_TIMEOUT"
LOCK_TIMEOUT = 600.0  # seconds a writer waits for another before giving up
LOCK_POLL = 0.1
TEMP_PREFIX = ".kz-"
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _shown(path: Path) -> str:
    from kzlib import paths

    return paths.shown(path)


def _why(exc: OSError, path: Path) -> WriteError:
    """A write failure as one clear sentence naming the path and the real cause."""
    where = _shown(path)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        cause = f"the disk is full (no space left on the device holding {_shown(path.parent)})"
    elif exc.errno == errno.EROFS:
        cause = f"{_shown(path.parent)} is on a read-only file system"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        cause = f"permission denied: {_shown(path.parent)} cannot be written by this user"
    elif exc.errno == errno.EISDIR or path.is_dir():
        cause = "is a folder; give a file name"
    else:
        cause = exc.strerror or str(exc)
    kept = "the previous file is unchanged" if path.is_file() else "nothing was written"
    return WriteError(f"{where}: {cause}; {kept}")


def _refuse_folder(path: Path) -> None:
    if path.is_dir():
        raise WriteError(f"{_shown(path)} is a folder; give a file name (e.g. {_shown(path / 'table.csv')})")


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _publish(tmp: Path, path: Path) -> None:
    """fsync the finished temp file, give it the usual permissions and rename it over `path`."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)
    os.replace(tmp, path)
    _sync_folder(path.parent)


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to (same suffix, for writers that go by it); renamed over `path`
    when the block ends without error, removed otherwise. Write failures raise WriteError naming the path."""
    path = Path(path)
    _refuse_folder(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=f"-{path.name}", dir=path.parent)
    except OSError as exc:
        raise _why(exc, path) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _publish(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _why(exc, path) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Write a whole file so that readers see the old or the new content, never part of it."""
    data = content.encode(encoding) if isinstance(content, str) else content
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


@contextlib.contextmanager
def staged_folder(out: str | Path) -> Iterator[Path]:
    """A temporary folder inside `out` for a writer that makes many files; when the block ends without error,
    each file is moved to the same place under `out` (one atomic rename each), and the folder removed."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise WriteError(f"{_shown(out)} is a file; give a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix="-staging", dir=out))
    except OSError as exc:
        raise _why(exc, out / "x") from None
    try:
        yield stage
        for made in sorted(p for p in stage.rglob("*") if p.is_file()):
            target = out / made.relative_to(stage)
            _refuse_folder(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            _publish(made, target)
    except OSError as exc:
        raise _why(exc, Path(exc.filename) if exc.filename else out) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


# ---------------------------------------------------------------- leftovers of killed runs


def alive(pid: int) -> bool:
    """Whether a process with this id is running (a zombie counts as ended)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return False
    except OSError:
        return False
    return True


def clean_leftovers(folder: str | Path, legacy: tuple[str, ...] = (), older_than: float | None = None,
                    prefix: str = TEMP_PREFIX) -> list[Path]:
    """Remove temporary files and folders of writers that are no longer running from `folder` (not below it):
    names `<prefix><pid>-…` whose process has ended.

    `legacy` globs name leftovers without a process id (older kzlib versions); they are removed only when
    older than `older_than` seconds, or always when it is None (callers that hold the folder's lock)."""
    folder = Path(folder)
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)-")
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        m = pattern.match(entry.name)
        stale = m is not None and int(m.group(1)) != os.getpid() and not alive(int(m.group(1)))
        if m is None and any(entry.match(g) for g in legacy):
            try:
                stale = older_than is None or now - entry.stat().st_mtime > older_than
            except OSError:
                stale = False
        if stale and _remove(entry):
            removed.append(entry)
    return removed


# ---------------------------------------------------------------- one writer at a time


def lock_timeout() -> float:
    """Seconds a writer waits for the lock: KZ_LOCK_TIMEOUT, else LOCK_TIMEOUT."""
    try:
        return float(os.environ.get(ENV_LOCK_TIMEOUT, "") or LOCK_TIMEOUT)
    except ValueError:
        return LOCK_TIMEOUT


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return "another kz command"
    pid, _, what = text.partition(" ")
    return f"{what or 'another kz command'} (process {pid})" if pid.isdigit() else "another kz command"


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _take(path: Path) -> int | None:
    """The open, locked lock file, or None when another process holds it."""
    if fcntl is None:  # pragma: no cover - no flock: exclusive creation, a dead holder's file taken over
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            pid = _holder_pid(path)
            if pid is not None and not alive(pid):
                path.unlink(missing_ok=True)
            return None
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    try:
        same = os.fstat(fd).st_ino == os.stat(path).st_ino  # not a file the last holder removed meanwhile
    except FileNotFoundError:
        same = False
    if not same:
        os.close(fd)
        return None
    return fd


def _holder_pid(path: Path) -> int | None:
    try:
        first = path.read_text(encoding="utf-8").split()[:1]
    except (OSError, UnicodeDecodeError):
        return None
    return int(first[0]) if first and first[0].isdigit() else None


@contextlib.contextmanager
def locked(folder: str | Path, what: str, name: str = ".kz.lock", timeout: float | None = None,
           say: Callable[[str], None] = _say) -> Iterator[Path]:
    """Hold the exclusive lock of `folder` (a lock file holding this process's id and `what`) for the block.

    A second writer waits, saying once who holds it, and raises LockError after `timeout` seconds (default:
    lock_timeout()). A lock left by a process that died is taken over."""
    folder = Path(folder)
    path = folder / name
    timeout = lock_timeout() if timeout is None else timeout
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _why(exc, path) from None
    start = time.monotonic()
    told = False
    while True:
        try:
            fd = _take(path)
        except OSError as exc:
            raise _why(exc, path) from None
        if fd is not None:
            break
        holder = _holder(path)
        if time.monotonic() - start >= timeout:
            raise LockError(f"{_shown(folder)} is being written by {holder}; gave up after {timeout:g} s. Run the "
                            "command again when the other one has finished")
        if not told:
            say(f"kz: waiting for {holder} to finish with {_shown(folder)} …")
            told = True
        time.sleep(LOCK_POLL)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {what}\n".encode())
        yield path
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)
