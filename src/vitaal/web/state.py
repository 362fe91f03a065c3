"""What one running web app holds: its options, the store, the workers, the sign-in limiter,
and the latest model read once per version."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from vitaal.errors import StoreError
from vitaal.method.results import Results
from vitaal.model.model import Model
from vitaal.report.svg.map import MapData, map_data
from vitaal.store import ModelStore
from vitaal.web.accounts import LoginLimiter
from vitaal.web.config import WebConfig
from vitaal.web.jobs import Job, JobRunner

__all__ = ["AppState"]


@dataclass
class AppState:
    config: WebConfig
    store: ModelStore
    runner: JobRunner
    limiter: LoginLimiter
    #: the models read, by version: the latest and the one before (an edit's base)
    _models: dict[int, Model] = field(default_factory=dict, repr=False)
    #: one read per version at a time: requests that need a version being read wait for it
    _reading: dict[int, threading.Lock] = field(default_factory=dict, repr=False)
    _geo: tuple[int, MapData] | None = field(default=None, repr=False)
    _drawn: dict[Hashable, dict[str, str]] = field(default_factory=dict, repr=False)
    _versions: tuple[int, list[dict[str, Any]]] | None = field(default=None, repr=False)
    #: the typed records of finished analysis jobs, by job id (the newest four)
    _results: dict[str, Results] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: edits are saved one at a time: the store holds the database's write lock while it
    #: validates the whole model (seconds for Rotterdam), and an edit that waited for it longer
    #: than SQLite's busy timeout (30 s) failed with "database is locked"; here they wait in
    #: turn instead
    edits: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def latest(self) -> int:
        """The newest model version (:class:`StoreError` when the store holds none)."""
        version = self.store.latest_version()
        if version is None:
            raise StoreError(f"the store {self.store.url} holds no model yet (vitaal import)")
        return version

    def model(self, version: int | None = None) -> tuple[int, Model]:
        """The model of ``version`` (the latest by default) and its number. The newest two
        versions read are kept in memory (the latest, and the one an edit was most likely
        made to); a version is read by one request at a time, the others wait for it (after
        an edit, every page wants the new version at once: reading Rotterdam takes seconds)."""
        number = self.latest() if version is None else version
        with self._lock:
            found = self._models.get(number)
            if found is not None:
                return number, found
            gate = self._reading.setdefault(number, threading.Lock())
        with gate:
            with self._lock:
                found = self._models.get(number)
            if found is not None:
                return number, found
            model = self.store.read_model(number)
            with self._lock:
                self._models[number] = model
                for old in sorted(self._models)[:-2]:
                    del self._models[old]
                self._reading.pop(number, None)
        return number, model

    def geometry(self, version: int) -> tuple[Model, MapData]:
        """The model of ``version`` and its map geometry (kept for the latest version)."""
        _, model = self.model(version)
        with self._lock:
            if self._geo is not None and self._geo[0] == version:
                return model, self._geo[1]
        geo = map_data(model)
        with self._lock:
            self._geo = (version, geo)
        return model, geo

    def versions(self) -> list[dict[str, Any]]:
        """Every version, newest first (read once per newest version: versions are only
        ever added)."""
        latest = self.latest()
        with self._lock:
            cached = self._versions
        if cached is not None and cached[0] == latest:
            return cached[1]
        listed = [v.as_dict() for v in reversed(self.store.versions())]
        with self._lock:
            self._versions = (listed[0]["number"] if listed else latest, listed)
        return listed

    def drawn(
        self, key: Hashable, draw: Callable[[], dict[str, str]], keep: int = 8
    ) -> dict[str, str]:
        """Figures drawn once per ``key`` (a version never changes), the newest ``keep``."""
        with self._lock:
            found = self._drawn.get(key)
        if found is not None:
            return found
        figures = draw()
        with self._lock:
            self._drawn[key] = figures
            while len(self._drawn) > keep:
                del self._drawn[next(iter(self._drawn))]
        return figures

    def analysis(self, owner: str, version: int | None = None) -> Job:
        """The job of the method's analysis of ``version`` (the latest by default): started
        if no one has asked for it yet, kept once done."""
        number = self.latest() if version is None else version
        return self.runner.submit(
            "analysis", ("analysis", number), owner, self.config.db_url, number
        )

    def scenario(self, owner: str, scenario_id: str) -> Job:
        number = self.latest()
        return self.runner.submit(
            "scenario",
            ("scenario", number, scenario_id),
            owner,
            self.config.db_url,
            number,
            scenario_id,
        )

    def plan_check(self, owner: str, plain: dict[str, Any]) -> Job:
        """The check of a plan from the intake on the latest version (run once per plan)."""
        from vitaal.web.intake import plan_key

        number = self.latest()
        return self.runner.submit(
            "plan", ("plan", number, plan_key(plain)), owner, self.config.db_url, number, plain
        )

    def report(self, owner: str, analysis: Job, lang: str, hidden: tuple[str, ...] = ()) -> Job:
        """The report of a finished analysis in ``lang`` (written once per version and set of
        components ``hidden`` from the reader, whose locations it leaves out)."""
        if analysis.result is None:
            raise StoreError("the analysis has not finished: no report to write yet")
        number = int(analysis.result["version"])
        return self.runner.submit(
            "report",
            ("report", number, lang, hidden),
            owner,
            self.config.db_url,
            number,
            analysis.result,
            lang,
            hidden,
        )

    def report_pdf(self, owner: str, analysis: Job, lang: str, hidden: tuple[str, ...] = ()) -> Job:
        """The report of a finished analysis in ``lang`` as PDF (printed once per version and
        set of components ``hidden``)."""
        if analysis.result is None:
            raise StoreError("the analysis has not finished: no report to print yet")
        number = int(analysis.result["version"])
        return self.runner.submit(
            "pdf",
            ("pdf", number, lang, hidden),
            owner,
            self.config.db_url,
            number,
            analysis.result,
            lang,
            hidden,
        )

    def exports(self, owner: str, version: int, lang: str, hidden: tuple[str, ...] = ()) -> Job:
        """The result exports of ``version`` in ``lang`` (workbook, GeoPackage, CSV files as a
        zip; written once per version, language and set of components ``hidden``, whose
        geometry the GeoPackage leaves out)."""
        return self.runner.submit(
            "exports",
            ("exports", version, lang, hidden),
            owner,
            self.config.db_url,
            version,
            lang,
            hidden,
        )

    def results(self, job: Job) -> Results:
        """The typed records of a finished analysis job (:class:`Results`), read once per
        job."""
        with self._lock:
            cached = self._results.get(job.id)
        if cached is not None:
            return cached
        results = Results.from_dict(job.result or {})
        with self._lock:
            self._results[job.id] = results
            while len(self._results) > 4:  # the latest versions' analyses
                self._results.pop(next(iter(self._results)))
        return results
