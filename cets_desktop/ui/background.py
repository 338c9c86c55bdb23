"""The one way the GUI runs long work (import, PDF, export, adding large evidence files).

Modelled on Anki's ``CollectionOp``: the screen hands over a plain function; it runs on a worker
thread of a private pool; progress and the outcome come back as queued signals, so ``on_done``,
``on_error`` and ``progress`` always run on the GUI thread and may touch widgets. The operation
itself must not touch any widget.

The pool has a single thread: the workspace serialises its calls anyway and users expect
"one thing at a time" (an export waits for an evidence copy to finish rather than racing it).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QWidget

T = TypeVar("T")
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Operation = Callable[[Progress, Cancelled], T]


class CancelledError(Exception):
    """The user cancelled the operation (passed to ``on_error``)."""

    def __init__(self) -> None:
        super().__init__("操作已取消")


class CancelToken:
    """Shared by the GUI (which sets it) and the operation (which polls it)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    def is_cancelled(self) -> bool:
        return self._event.is_set()


class _Relay(QObject):
    """Lives on the GUI thread; its slots are bound methods, so signals emitted by the worker
    are queued to the GUI thread (a plain lambda as receiver would not guarantee that)."""

    done = Signal(object)
    failed = Signal(object, str)
    progress = Signal(int, int)

    def __init__(
        self,
        job: BackgroundJob[Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_progress: Progress | None,
    ) -> None:
        super().__init__()
        self._job = job
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self.done.connect(self._done)
        self.failed.connect(self._failed)
        self.progress.connect(self._progress)

    @Slot(object)
    def _done(self, result: Any) -> None:
        _running.discard(self)
        self._job.finished, self._job.result = True, result
        self._on_done(result)

    @Slot(object, str)
    def _failed(self, exc: BaseException, trace: str) -> None:
        _running.discard(self)
        self._job.finished = True
        error = CancelledError() if self._job.cancelled else exc
        self._job.error = error
        self._job.trace = trace
        self._on_error(error)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total)


class BackgroundJob(Generic[T]):
    """Handle of one running operation: ``cancel()``, ``finished``, ``result``, ``error``."""

    def __init__(self, token: CancelToken) -> None:
        self.token = token
        self.finished = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.trace = ""

    def cancel(self) -> None:
        self.token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.token.is_cancelled()


class _Runnable(QRunnable):
    def __init__(self, op: Operation[Any], signals: _Relay, token: CancelToken) -> None:
        super().__init__()
        self._op = op
        self._signals = signals
        self._token = token
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._op(self._signals.progress.emit, self._token.is_cancelled)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach on_error, never the void
            self._signals.failed.emit(exc, traceback.format_exc())
        else:
            self._signals.done.emit(result)


_pool: QThreadPool | None = None
_running: set[_Relay] = set()  # keeps each relay alive until its job reports back


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


def wait_for_all(msecs: int = 30000) -> bool:
    """Block until queued jobs finish (closing the window, tests)."""
    return pool().waitForDone(msecs)


def run_in_background(
    op: Operation[T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None],
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> BackgroundJob[T]:
    """Run ``op(progress, cancelled)`` off the GUI thread.

    ``op`` receives a progress reporter ``(done, total)`` and a ``cancelled()`` poll; the
    services' ``progress=`` / ``cancel=`` keywords take them unchanged. When the user cancelled
    and ``op`` stopped by raising, ``on_error`` gets :class:`CancelledError`.
    """
    token = cancel or CancelToken()
    job: BackgroundJob[T] = BackgroundJob(token)
    relay = _Relay(job, on_done, on_error, progress)
    _running.add(relay)
    pool().start(_Runnable(op, relay, token))
    return job


def run_with_progress_dialog(
    parent: QWidget | None,
    title: str,
    label: str,
    op: Operation[T],
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None],
) -> BackgroundJob[T]:
    """The same, with a modal progress dialog whose 取消 button cancels the operation."""
    # Imported here: QProgressDialog's Python type (with QDialog's enums) is not needed for the
    # window's first paint (ui/lazy_qt.py).
    from PySide6.QtWidgets import QProgressDialog

    dialog = QProgressDialog(label, "取消", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(400)  # quick jobs finish before any dialog flickers up
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    token = CancelToken()

    def report(done: int, total: int) -> None:
        if total > 0:
            dialog.setMaximum(1000)
            dialog.setValue(int(done * 1000 / total))

    def finish_ok(result: T) -> None:
        dialog.close()
        dialog.deleteLater()
        on_done(result)

    def finish_error(exc: BaseException) -> None:
        dialog.close()
        dialog.deleteLater()
        on_error(exc)

    dialog.canceled.connect(token.cancel)
    return run_in_background(op, finish_ok, finish_error, report, token)
