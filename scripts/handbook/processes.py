"""Signals and child processes: a command ends cleanly however it is stopped, and leaves no process."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

# What stops a command: Ctrl+C, `kill` (make's too), a closed terminal or a parent that died.
STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1
# Looked up once, here: a child between fork and exec (a preexec_fn) must not load a library,
# since another thread of the parent (Typst's) may have held the loader's lock at the fork.
_prctl: Callable[..., int] | None = (
    ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
)

Handler = Callable[[int, FrameType | None], object] | int | None

# Every stopping signal this process received under stopping_cleanly, in order.
_RECEIVED: list[int] = []


def stops_received() -> int:
    """How many stopping signals have arrived so far: compare two counts to see one arrive."""
    return len(_RECEIVED)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, unwound like Ctrl+C: every ``finally`` and ``with`` on the way runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Have the kernel send *signum* to this process when its parent ends, even by SIGKILL.

    Nothing can run in a process killed by SIGKILL, so its children cannot be stopped by it;
    this is how they stop themselves. Linux only (``prctl(PR_SET_PDEATHSIG)``); the setting
    survives ``exec``, so it also serves as a ``preexec_fn`` for a program the engine runs.
    """
    if _prctl is not None and _prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


def _in_main_thread() -> bool:
    # Python lets only the main thread set signal handlers.
    return threading.current_thread() is threading.main_thread()


def _restore(previous: dict[int, Handler]) -> None:
    for signum, handler in previous.items():
        # None: a handler not set from Python, which is the default action for these signals.
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)


@contextmanager
def stopping_cleanly() -> Iterator[list[int]]:
    """While the block runs, SIGTERM and SIGHUP unwind it like Ctrl+C; yields the signals received.

    Python's default for both is to die on the spot: no lock released, no child stopped, no
    staging folder cleared. A signal ignored when the command started (``nohup``) stays ignored.
    The signals are also recorded: a library may swallow the exception (an interrupt inside a C
    extension's import surfaces as an ImportError that matplotlib catches), and the command must
    still end as stopped rather than report success.
    """
    received: list[int] = []
    if not _in_main_thread():
        yield received
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        _RECEIVED.append(signum)
        _raise_stopped(signum, frame)

    previous: dict[int, Handler] = {}
    for signum in STOPPING:
        current = signal.getsignal(signum)
        # SIGINT only where Python's own Ctrl+C is in place (not under a test runner's handler).
        if current is not signal.SIG_IGN and (
            signum != signal.SIGINT or current is signal.default_int_handler
        ):
            previous[signum] = signal.signal(signum, stop)
    try:
        yield received
    finally:
        _restore(previous)


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold stopping signals back until the block has run: for steps that must happen together.

    A blocked signal mask would not do: Python runs its handlers in the main thread whichever
    thread the kernel delivered the signal to, so the handlers themselves are swapped here.
    """
    if not _in_main_thread():
        yield
        return
    received: list[int] = []
    previous: dict[int, Handler] = {}
    for signum in STOPPING:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, lambda number, frame: received.append(number))
    try:
        yield
    finally:
        _restore(previous)
        for signum in dict.fromkeys(received):
            signal.raise_signal(signum)
