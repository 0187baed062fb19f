"""Notebook kernels for the renderer: fresh ipykernels started ahead of need, each serving one brief.

Kernels are stock jupyter_client AsyncKernelManagers talking over IPC sockets (parallel kernels never race for
TCP ports), started in a background thread a few at a time so that a kernel is ready when a brief needs one;
each imports kzlib while it waits. With KZ_KERNELS=fork (the default where the platform can fork) kernels are
forked from a warm helper process instead (kzlib.forkkernels), which saves the import in every kernel.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from kzlib import files, forkkernels, settings

START_TIMEOUT = 120
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]
ENV_KERNELS = "KZ_KERNELS"
KINDS = ("fork", "fresh")
FOLDER_PREFIX = "kz-kernels-"  # + pid: connection files and sockets of one run's kernels
OLD_FOLDER_AGE = 24 * 3600  # folders of older versions (no pid in the name) are removed after a day


class KernelError(Exception):
    """A kernel could not be started."""


def use_fork() -> bool:
    """Whether kernels are forked from a warm helper: KZ_KERNELS=fork|fresh, by default fork where possible."""
    kind = os.environ.get(ENV_KERNELS, "").strip().lower() or ("fork" if hasattr(os, "fork") else "fresh")
    if kind not in KINDS:
        raise KernelError(f"{ENV_KERNELS}={kind!r}: expected one of {', '.join(KINDS)}")
    return kind == "fork" and hasattr(os, "fork")


class KernelPool:
    """Fresh kernels started ahead of need, kzlib already imported; each serves one brief, then is discarded.

    Where the platform can fork, kernels are forked from a zygote that imported kzlib and ipykernel once (a
    kernel is then ready in a tenth of a second); elsewhere each is a new process that imports kzlib while
    it waits for its brief.
    """

    def __init__(self, count: int, ahead: int, cwd: Path, preload: str, zygote: forkkernels.Zygote | None):
        self._ready: queue.Queue = queue.Queue()
        self._slots = threading.Semaphore(ahead)
        self._remaining = count
        self._extra = count  # numbers of kernels started on demand (a brief run again)
        self._lock = threading.Lock()
        self._live: set = set()
        self._killed = False
        self._stopping: list[threading.Thread] = []
        clean_folders()
        self._dir = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))
        self._cwd = cwd
        self._preload = preload
        self._zygote = zygote
        self._env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
        self._threads = [threading.Thread(target=self._starter, daemon=True) for _ in range(min(ahead, count))]
        for t in self._threads:
            t.start()

    def _next_number(self) -> int | None:
        with self._lock:
            if self._remaining == 0:
                return None
            self._remaining -= 1
            return self._remaining

    def _starter(self) -> None:
        import asyncio

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        while True:
            self._slots.acquire()
            n = self._next_number()
            if n is None:
                break
            try:
                self._ready.put(loop.run_until_complete(self._start(n)))
            except Exception as exc:  # noqa: BLE001 - handed to the brief that would have used the kernel
                self._ready.put(exc)
        loop.close()

    async def _start(self, n: int):
        import uuid

        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(kernel_name=settings.KERNEL_NAME, transport="ipc", kernel_id=str(uuid.uuid4()),
                                connection_file=str(self._dir / f"k{n}.json"), ip=str(self._dir / f"k{n}"))
        if self._zygote is not None:
            km.provisioner = forkkernels.provisioner(self._zygote, km)
        await km.start_kernel(cwd=str(self._cwd), env=self._env, extra_arguments=KERNEL_ARGUMENTS)
        with self._lock:
            killed = self._killed
            if not killed:
                self._live.add(km)
        if killed:  # started while the render was being interrupted
            _kill(km)
            raise KernelError("the render was interrupted")
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=START_TIMEOUT)
            if self._zygote is None and self._preload:
                await kc.execute_interactive(self._preload, silent=True, store_history=False,
                                             timeout=START_TIMEOUT, output_hook=lambda msg: None)
        finally:
            kc.stop_channels()
        return km

    def take(self):
        """A started kernel manager, waiting for one if none is ready yet."""
        item = self._ready.get()
        self._slots.release()
        if isinstance(item, Exception):
            raise KernelError(f"kernel failed to start: {item}")
        return item

    def start_now(self):
        """A kernel started now, in this thread (for a brief run again after its kernel died with the helper)."""
        import asyncio

        with self._lock:
            self._extra += 1
            n = self._extra
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(self._start(n))
        except Exception as exc:  # noqa: BLE001 - the brief fails with the reason
            raise KernelError(f"kernel failed to start: {exc}") from None
        finally:
            loop.close()

    def release_later(self, km) -> None:
        """Shut down a kernel that has served its brief, in the background (close() waits for it)."""
        with self._lock:
            self._live.discard(km)
        stopping = threading.Thread(target=shutdown, args=(km,), daemon=True)
        self._stopping.append(stopping)
        stopping.start()

    def kill_all(self) -> None:
        """Kill every kernel at once, and the zygote (an interrupted render): no waiting for anything."""
        with self._lock:
            self._remaining = 0
            self._killed = True
            live, self._live = list(self._live), set()
        for km in live:
            _kill(km)
        while not self._ready.empty():
            item = self._ready.get()
            if not isinstance(item, Exception):
                _kill(item)
        if self._zygote is not None:
            self._zygote.kill()
        shutil.rmtree(self._dir, ignore_errors=True)

    def close(self) -> None:
        """Stop the starters, any kernel not taken and the zygote; remove the connection files."""
        with self._lock:
            self._remaining = 0
        for _ in self._threads:
            self._slots.release()
        for t in self._threads + self._stopping:
            t.join()
        while not self._ready.empty():
            item = self._ready.get()
            if not isinstance(item, Exception):
                shutdown(item)
        if self._zygote is not None:
            self._zygote.close()
        shutil.rmtree(self._dir, ignore_errors=True)


def _kill(km) -> None:
    """SIGKILL a kernel's process, without a word to it."""
    pid = getattr(getattr(km, "provisioner", None), "pid", None)
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def clean_folders() -> list[Path]:
    """Remove the kernel folders that killed runs left in the temporary folder."""
    return files.clean_leftovers(Path(tempfile.gettempdir()), prefix=FOLDER_PREFIX,
                                 legacy=(f"{FOLDER_PREFIX}*",), older_than=OLD_FOLDER_AGE)


def shutdown(km) -> None:
    """Kill a kernel that has served its brief."""
    from jupyter_core.utils import run_sync

    run_sync(km.shutdown_kernel)(now=True)
