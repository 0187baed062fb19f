"""Kernels forked from a warm helper process: an optional speed-up of kzlib.kernels on platforms with fork().

Why it exists: a fresh kernel must start Python and import kzlib (pandas, matplotlib, seaborn: about 3 s of
CPU on the project's 2-core machines) before it can run a brief. The helper ("zygote") imports kzlib and
ipykernel once and forks one kernel per brief, ready in a tenth of a second with the same state every time.
It relies on jupyter_client's provisioner API (a LocalProvisioner whose launch_kernel asks the zygote to
fork) and stands in for subprocess.Popen (ForkedProcess), so a jupyter_client upgrade may break it first;
kzlib.kernels therefore uses it only when KZ_KERNELS is "fork" (see kzlib.kernels.use_fork) and starts
stock kernels otherwise. bench/render_speed.py measures both.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

from kzlib import files, settings

RESTARTS = 1  # a helper that dies is started again once; if it dies again, no more kernels are forked


class ZygoteError(Exception):
    """The kernel helper process stopped or could not fork a kernel."""


def zygote_main(preload: str) -> None:
    """Kernel zygote: import `preload` once, then fork one fresh kernel per request read from stdin."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped at once; the renderer polls their pid
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C to the process group: the renderer decides
    try:
        exec(preload, {})  # noqa: S102 - a fixed import line from this module
    except Exception:  # noqa: BLE001, S110 - the notebook's own import will show the real error
        pass
    import ipykernel.debugger  # noqa: F401 - the slowest part of a kernel's start-up
    import ipykernel.kernelapp  # noqa: F401

    try:
        _serve()
    except (BrokenPipeError, ValueError, OSError):  # the renderer is gone (interrupted, killed): so is the zygote
        os._exit(0)


def _serve() -> None:
    """Fork one kernel per request line on stdin; write each kernel's pid on stdout."""
    from ipykernel.kernelapp import IPKernelApp

    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                os.dup2(2, 1)  # the request pipe and the reply pipe stay the zygote's
                os.chdir(request["cwd"])
                os.environ.update(request["env"])
                IPKernelApp.launch_instance(argv=[*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"])
            finally:
                os._exit(0)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()


class Zygote:
    """A process that has imported kzlib and ipykernel once and forks a fresh kernel for each brief.

    If the helper dies (an out-of-memory kill), the next fork starts it again, once; `generation` counts the
    helpers started, so a kernel forked by a dead one can be told apart. A second death is final: every later
    fork raises ZygoteError with that reason."""

    def __init__(self, preload: str):
        from jupyter_client.kernelspec import KernelSpecManager

        argv = KernelSpecManager().get_kernel_spec(settings.KERNEL_NAME).argv
        self._python = argv[: argv.index("-m")] if "-m" in argv else [sys.executable]
        self._env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline",
                         PYDEVD_DISABLE_FILE_VALIDATION="1")
        self._code = f"from kzlib.forkkernels import zygote_main; zygote_main({preload!r})"
        self._lock = threading.Lock()
        self.generation = 0
        self.failure: str | None = None
        self._proc = self._spawn()

    def _spawn(self) -> subprocess.Popen:
        self.generation += 1
        return subprocess.Popen([*self._python, "-c", self._code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                env=self._env, text=True)

    @property
    def pid(self) -> int:
        """The helper's process id."""
        return self._proc.pid

    def running(self) -> bool:
        """Whether the current helper process is alive."""
        return self._proc.poll() is None

    def _ask(self, request: str) -> int | None:
        try:
            self._proc.stdin.write(request)
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        except (BrokenPipeError, OSError, ValueError):
            return None
        return int(line) if line.strip() else None

    def fork(self, argv: list[str], cwd: str, env: dict) -> tuple[int, int]:
        """Start a kernel with these arguments: its process id and the generation of the helper that forked it.
        Restarts a dead helper once."""
        request = json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n"
        with self._lock:
            if self.failure:
                raise ZygoteError(self.failure)
            pid = self._ask(request)
            while pid is None:
                code = self._proc.wait()
                if self.generation > RESTARTS:
                    how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
                    self.failure = f"the kernel helper process stopped again ({how}) after a restart"
                    raise ZygoteError(self.failure)
                self._discard()
                self._proc = self._spawn()
                pid = self._ask(request)
            return pid, self.generation

    def _discard(self) -> None:
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()
            except (BrokenPipeError, OSError):
                pass

    def close(self) -> None:
        """Stop the zygote (kernels it forked stop when they notice); never raises for a helper already dead."""
        try:
            self._proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._discard()

    def kill(self) -> None:
        """Stop the zygote at once (an interrupted render)."""
        self._proc.kill()
        self._proc.wait()
        self._discard()


class ForkedProcess:
    """The part of subprocess.Popen that jupyter_client uses, for a kernel forked by the zygote."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """None while the kernel runs, else its (assumed) exit code (a zombie counts as ended)."""
        if self.returncode is None and not files.alive(self.pid):
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for the kernel to end."""
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None and (end is None or time.monotonic() < end):
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Signal the kernel."""
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        """Kill the kernel."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Ask the kernel to end."""
        self.send_signal(signal.SIGTERM)


def provisioner(zygote: Zygote, km):
    """A jupyter_client provisioner that has the zygote fork the kernel instead of starting a new Python."""
    from jupyter_client.provisioning import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kw):
            argv = cmd[cmd.index("ipykernel_launcher") + 1:]
            self.cwd = kw.get("cwd") or os.getcwd()
            self.pid, km.kz_generation = zygote.fork(argv, str(self.cwd), dict(kw.get("env") or {}))
            self.process, self.pgid = ForkedProcess(self.pid), None
            return self.connection_info

    return ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
