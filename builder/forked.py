"""Work split between this process and forked copies of it, one per usable CPU.

The site build renders hundreds of pages from data that took seconds to load: a forked child
has that data already (copy-on-write), where a fresh worker (as the PDF renderer's, which
needs WeasyPrint's own process) would load it again. Only on systems that fork (Linux,
macOS) and only from a process with a single thread: forking a process whose other threads
hold locks can hang the child (``mkdocs serve`` runs a web server in threads; it renders
in one process). Elsewhere, and for little work, everything runs here, with the same results.

``multiprocessing.Pool`` would do the forking too, but it sends each item to a worker and
each result back; here each child gets its share by inheritance and sends back one list.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system tells it), at least 1."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether :func:`split_map` may fork here: a system with ``fork`` and no other thread."""
    return (
        sys.platform != "win32" and "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    )


class ChildFailed(RuntimeError):
    """A forked child ended without its results (killed, or out of memory)."""


class Forked(Generic[R]):
    """``fn(*args)`` computed in a forked copy of this process (see :func:`start`)."""

    def __init__(self, fn: Callable[..., R], *args, daemon: bool = True):
        ctx = multiprocessing.get_context("fork")
        self._receive, send = ctx.Pipe(duplex=False)
        with signals_held() as mask:
            self._child = ctx.Process(target=_child, args=(fn, args, send, mask), daemon=daemon)
            self._child.start()
        send.close()

    def result(self) -> R:
        """Wait for the child and return what ``fn`` returned, or raise what it raised
        (:class:`ChildFailed` when it died)."""
        try:
            try:
                ok, value = self._receive.recv()
            except EOFError:
                ok, value = False, ChildFailed(f"forked process {self._child.pid} ended without its results")
            except Exception as exc:  # what it sent does not unpickle
                ok, value = False, ChildFailed(f"forked process {self._child.pid} sent what cannot be read: {exc!r}")
        finally:
            self.cancel()
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        """Stop the child (when it still runs) and release it."""
        if self._child.is_alive():
            self._child.kill()
        self._child.join()
        self._receive.close()


def start(fn: Callable[..., R], *args, daemon: bool = True) -> Forked | None:
    """``fn(*args)`` started in a forked copy of this process, to run while this one goes on;
    None when :func:`can_fork` says no (then the caller runs it itself). ``fn``'s result
    must pickle; its effects on memory stay in the child, its files stay. ``daemon=False``
    lets the child start processes of its own (the PDF workers); either way
    :meth:`Forked.result` or :meth:`Forked.cancel` must be called."""
    return Forked(fn, *args, daemon=daemon) if can_fork() and usable_cpus() > 1 else None


def split_map(fn: Callable[[Sequence[T]], list[R]], items: Sequence[T], *, min_share: int = 32) -> list[R]:
    """``fn(items)``, computed as ``fn`` of consecutive shares of ``items`` (the first here, the
    others in forked children) and put back together in the order of ``items``. (Consecutive,
    not every n-th: a site's pages come as county, report, county, report…, and every second
    one would give one process all the costly ones.)

    ``fn`` must return one result per item, in order, and its results must pickle. Its side
    effects on this process's memory are lost in a child: only files it writes and the
    results stay. Forks only when :func:`can_fork`, with more than one usable CPU and at least
    ``min_share`` items per process. An exception in a child is raised here (after all
    children ended); a child that dies raises :class:`ChildFailed`.
    """
    jobs = min(usable_cpus(), len(items) // max(1, min_share))
    if jobs < 2 or not can_fork():
        return fn(items)
    bounds = [len(items) * k // jobs for k in range(jobs + 1)]
    children: list[Forked] = []
    try:
        for k in range(1, jobs):
            children.append(Forked(fn, items[bounds[k] : bounds[k + 1]]))
        shares = [fn(items[bounds[0] : bounds[1]])]
        failure: BaseException | None = None
        for child in children:
            try:
                shares.append(child.result())
            except BaseException as exc:
                failure = failure or exc
                shares.append([])
        if failure is not None:
            raise failure
    finally:
        for child in children:
            child.cancel()
    return [result for share in shares for result in share]


_HELD = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def signals_held():
    """Hold Ctrl-C and SIGTERM back while this process forks (yields the mask to restore in
    the child). A signal that comes while ``fork`` runs its handlers is otherwise lost: the
    KeyboardInterrupt is raised in one of them (logging's), where Python ignores it, and the
    build goes on as if nothing had been pressed. Held, it comes right after the fork."""
    if not hasattr(signal, "pthread_sigmask"):
        yield None
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield old
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def release_signals(mask) -> None:
    """In a child forked within :func:`signals_held`: take signals again as before."""
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _child(fn, args, send, mask=None) -> None:
    release_signals(mask)
    try:
        result = (True, fn(*args))
    except BaseException as exc:  # sent to the parent, which raises it
        result = (False, exc)
    try:
        send.send(result)
    except Exception as exc:  # a result or an exception that does not pickle
        send.send((False, RuntimeError("".join(traceback.format_exception(exc)))))
    send.close()
    os._exit(0)  # no atexit, no flushing of the parent's buffers a second time
