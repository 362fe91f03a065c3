"""Long runs off the request path: a pool of worker processes (or threads, for tests) runs
analyses and scenarios; each job reports its phase and progress, and its result is kept for
the pages and the API. A page never waits for a job: it shows the progress and polls.

Jobs with the same key (``("analysis", version)``, ``("scenario", version, id)``) are run once:
a second request gets the job already queued, running or done.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from vitaal.errors import VitaalError
from vitaal.web.work import FUNCTIONS

__all__ = ["Job", "JobRunner"]

_LOG = logging.getLogger(__name__)
#: the progress queue of a worker process (set by its initialiser)
_PROGRESS: Any = None


@dataclass
class Job:
    """One run: what, for whom, how far, and its result or error."""

    id: str
    kind: str
    key: Hashable
    owner: str
    status: str = "queued"  # queued, running, done, failed
    phase: str = ""
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.time)
    finished: float | None = None
    result: dict[str, Any] | None = field(default=None, repr=False)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "owner": self.owner,
            "status": self.status,
            "phase": self.phase,
            "done": self.done,
            "total": self.total,
            "error": self.error,
            "seconds": round((self.finished or time.time()) - self.started, 1),
        }


def _init_worker(progress: Any) -> None:
    global _PROGRESS
    _PROGRESS = progress


def _run_in_process(job_id: str, name: str, args: tuple[Any, ...]) -> dict[str, Any]:
    def tick(phase: str, done: int, total: int) -> None:
        _PROGRESS.put((job_id, phase, done, total))

    return FUNCTIONS[name](*args, tick)


class JobRunner:
    """Runs jobs in ``max_workers`` worker processes (``mode="process"``) or threads."""

    def __init__(
        self, mode: str = "process", max_workers: int = 2, keep: dict[str, int] | None = None
    ) -> None:
        if mode not in ("process", "thread"):
            raise VitaalError(f"workers: found '{mode}', expected process or thread")
        self._mode = mode
        #: how many finished jobs of each kind are kept (an analysis is megabytes)
        self._keep = keep or {"analysis": 2, "scenario": 30}
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._by_key: dict[Hashable, str] = {}
        self._lock = threading.Lock()
        self._futures: dict[str, Future[dict[str, Any]]] = {}
        self._queue: Any = None
        self._executor: Executor
        if mode == "process":
            ctx = multiprocessing.get_context("spawn")
            self._queue = ctx.Queue()
            self._executor = ProcessPoolExecutor(
                max_workers, mp_context=ctx, initializer=_init_worker, initargs=(self._queue,)
            )
            self._drain = threading.Thread(target=self._read_progress, daemon=True)
            self._drain.start()
        else:
            self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="vitaal-job")

    # -- submitting -----------------------------------------------------------------------
    def submit(self, kind: str, key: Hashable, owner: str, *args: Any) -> Job:
        """The job for ``key``: the one already queued, running or done, else a new one
        running ``work.FUNCTIONS[kind](*args, progress)``. A failed job is run again."""
        with self._lock:
            known = self._by_key.get(key)
            job = self._jobs.get(known) if known is not None else None
            if job is not None and job.status != "failed":
                return job
            job = Job(id=secrets.token_urlsafe(12), kind=kind, key=key, owner=owner)
            self._jobs[job.id] = job
            self._by_key[key] = job.id
            self._trim()
            stale = self._superseded(job)
        for old in stale:
            old.cancel()
        if self._mode == "process":
            future: Future[dict[str, Any]] = self._executor.submit(
                _run_in_process, job.id, kind, args
            )
        else:
            future = self._executor.submit(FUNCTIONS[kind], *args, self._ticker(job.id))
        with self._lock:
            self._futures[job.id] = future
        # after it is kept: a job that is done already is finished (and let go) here
        future.add_done_callback(lambda f: self._finish(job.id, f))
        return job

    def _superseded(self, job: Job) -> list[Future[dict[str, Any]]]:
        """The futures of queued analyses of older versions than ``job``'s: the pages ask
        only for the latest version's, so under a stream of edits the workers would
        otherwise go through every version in turn. A queued job that could not be cancelled
        (already handed to a worker) runs to its end."""
        if job.kind != "analysis" or not isinstance(job.key, tuple):
            return []
        version = job.key[-1]
        return [
            self._futures[other.id]
            for other in self._jobs.values()
            if other.kind == "analysis"
            and other.status == "queued"
            and isinstance(other.key, tuple)
            and other.key[-1] < version
            and other.id in self._futures
        ]

    def find(self, key: Hashable) -> Job | None:
        with self._lock:
            jid = self._by_key.get(key)
            return self._jobs.get(jid) if jid is not None else None

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def close(self) -> None:
        """Stop: queued jobs are cancelled and worker processes ended (a run in a worker
        would otherwise go on, its process orphaned, after the server stopped)."""
        workers = list((getattr(self._executor, "_processes", None) or {}).values())
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in workers:
            if process.is_alive():
                process.terminate()
        if self._queue is not None:
            self._queue.put(None)

    # -- progress and results -------------------------------------------------------------
    def _ticker(self, job_id: str) -> Any:
        def tick(phase: str, done: int, total: int) -> None:
            self._progress(job_id, phase, done, total)

        return tick

    def _progress(self, job_id: str, phase: str, done: int, total: int) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.status in ("queued", "running"):
                job.status, job.phase, job.done, job.total = "running", phase, done, total

    def _read_progress(self) -> None:
        while True:
            try:
                item = self._queue.get()
            except (EOFError, OSError, queue.Empty):  # pragma: no cover - pool shut down
                return
            if item is None:
                return
            self._progress(*item)

    def _finish(self, job_id: str, future: Future[dict[str, Any]]) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return
            job.finished = time.time()
            self._futures.pop(job_id, None)
            if future.cancelled():
                job.status, job.error = "failed", "cancelled"
                if job.kind == "analysis":
                    job.error = "a newer version came first: its analysis runs instead"
                return
            exc = future.exception()
            if exc is None:
                job.status, job.result = "done", future.result()
            elif isinstance(exc, VitaalError):
                job.status, job.error = "failed", str(exc)
            else:
                _LOG.error("job %s (%s) failed", job.id, job.kind, exc_info=exc)
                job.status, job.error = "failed", f"the run stopped: {type(exc).__name__}"

    def _trim(self) -> None:
        for kind, keep in self._keep.items():
            mine = [j for j in self._jobs.values() if j.kind == kind]
            for old in mine[: max(0, len(mine) - keep)]:
                if old.status in ("queued", "running"):
                    continue
                del self._jobs[old.id]
                if self._by_key.get(old.key) == old.id:
                    del self._by_key[old.key]
