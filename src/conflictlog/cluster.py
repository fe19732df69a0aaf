"""Parse, extract and resolve on a Dask cluster (dask.distributed) while this process cleans and stores.

Each worker process loads the model and gazetteer once (:class:`PipelinePlugin`) and runs the same unit of work as
``ingest --workers`` (``pipeline._process_batch`` over ``ARTICLE_BATCH`` articles), so every way of ingesting
stores the same records. The client keeps a bounded window of batches in flight and stores their results in input
order, so merge decisions are those of a single run; a batch whose task raised or whose worker died is run again.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from conflictlog.errors import E306, E911, E912, E913, SettingsError
from conflictlog.records import Article, Failure, ResolvedEvent

logger = logging.getLogger(__name__)

Outcome = list[tuple[Article, list[ResolvedEvent] | Failure]]
Task = Callable[[list[Article], bool, "str | None"], Outcome]

LOCAL_PREFIX = "local:"
# Runs of one batch after the first when its task raises (a worker that dies is handled by the scheduler's own
# allowed-failures count, 3 by default, before the batch is given up as lost).
RETRIES = 2
WINDOW_PER_THREAD = 2  # batches in flight per worker thread: one running, one queued beside it
CONNECT_TIMEOUT_S = 30
WORKERS_TIMEOUT_S = 120
_ADDRESS = re.compile(r"^(?:(?:tcp|tls)://)?[A-Za-z0-9_.\-\[\]:]+:\d{1,5}$")


def parse_cluster(spec: str) -> tuple[str | None, int]:
    """``local:N`` -> (None, N); ``tcp://HOST:PORT`` (or ``tls://``, or bare ``HOST:PORT``) -> (address, 0).

    Raises SettingsError (E911) for anything else."""
    spec = spec.strip()
    if spec.startswith(LOCAL_PREFIX):
        count = spec.removeprefix(LOCAL_PREFIX)
        if count.isdigit() and 1 <= int(count) <= 64:
            return None, int(count)
        raise SettingsError(E911.format(spec=spec, reason="local:N takes a number of workers from 1 to 64"), "E911")
    if _ADDRESS.match(spec):
        return (spec if "://" in spec else f"tcp://{spec}"), 0
    raise SettingsError(E911.format(spec=spec, reason="expected tcp://HOST:PORT or local:N"), "E911")


def _load_and_warm() -> str:
    """Load this process's pipeline and run one article through it; returns the conflictlog version."""
    from conflictlog import __version__
    from conflictlog.pipeline import _warm_up, default_pipeline

    _warm_up(default_pipeline())
    return __version__


class PipelinePlugin(WorkerPlugin):
    """Loads the model and gazetteer once in every worker process, as it joins the cluster."""

    name = "conflictlog-pipeline"

    async def setup(self, worker: Any) -> None:
        """Load in a thread, so the worker keeps answering the scheduler meanwhile."""
        await asyncio.get_running_loop().run_in_executor(None, _load_and_warm)


def process_batch(batch: list[Article], strict: bool, places: str | None = None) -> Outcome:
    """One batch on a worker, with that process's loaded pipeline reading the imported places of the file
    ``places`` (the database's, when the worker sees it at that path): the task every batch runs."""
    from conflictlog.pipeline import _process_batch, default_pipeline, use_places

    pipeline = default_pipeline()
    use_places(pipeline, places)
    return _process_batch(pipeline, batch, strict)


class ClusterPool:
    """A Dask client as a ``pipeline.BatchPool``: batches go to the workers, outcomes come back per article."""

    def __init__(self, client: Any, task: Task = process_batch, retries: int = RETRIES,
                 places: str | None = None) -> None:
        self.client = client
        self.task = task
        self.retries = retries
        self.places = places  # the file of the database's imported places, passed to every task
        self.threads = max(1, sum(client.nthreads().values()))
        self.window = WINDOW_PER_THREAD * self.threads

    def submit(self, batch: list[Article], strict: bool) -> Callable[[], Outcome]:
        """Send one batch; the returned call waits for it. Unless ``strict``, a batch lost after its retries
        comes back as one E306 failure per article, so no article is silently dropped."""
        future = self.client.submit(self.task, batch, strict, self.places, retries=self.retries, pure=False)

        def outcome() -> Outcome:
            try:
                return future.result()
            except Exception as err:  # noqa: BLE001 - a lost batch fails its articles, named one by one
                if strict:
                    raise
                logger.warning("a batch of %d articles failed on the cluster: %r", len(batch), err)
                return [(article, Failure(article.source, "parse", "E306",
                                          E306.format(source=article.source, tries=self.retries + 1, reason=repr(err))))
                        for article in batch]
            finally:
                future.release()

        return outcome


@contextmanager
def cluster_pool(spec: str, *, task: Task = process_batch, retries: int = RETRIES,
                 places: str | None = None) -> Iterator[ClusterPool]:
    """Connect to the cluster ``spec`` names (see :func:`parse_cluster`; ``local:N`` starts N worker processes of
    one thread each here and stops them after), load the pipeline on every worker, and yield the pool; its
    workers read the imported places of the file ``places``."""
    address, n_local = parse_cluster(spec)
    if address is not None and places is not None and Path(places).exists():
        logger.warning("%s: places imported for this database are read by the workers of %s only where they see "
                       "this file at the same path", places, spec)
    from distributed import Client, LocalCluster

    if not logging.getLogger().isEnabledFor(logging.DEBUG):  # the cluster's own chatter only at -vv
        logging.getLogger("distributed").setLevel(logging.WARNING)
    local = None
    try:
        if address is None:
            local = LocalCluster(n_workers=n_local, threads_per_worker=1, processes=True, dashboard_address=None,
                                 silence_logs=logging.WARNING)
            client = Client(local, set_as_default=False)
        else:
            client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError) as err:
        if local is not None:
            local.close()
        raise SettingsError(E912.format(spec=spec, reason=str(err) or repr(err)), "E912") from err
    try:
        _prepare(client, spec)
        pool = ClusterPool(client, task=task, retries=retries, places=places)
        logger.info("cluster %s: %d workers, %d threads, %d batches in flight at most", spec,
                    len(client.nthreads()), pool.threads, pool.window)
        yield pool
    finally:
        client.close()
        if local is not None:
            local.close()


def _prepare(client: Any, spec: str) -> None:
    """Wait for a worker, load the pipeline on every worker, and check they run this conflictlog version."""
    from conflictlog import __version__

    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
    except TimeoutError as err:
        raise SettingsError(E912.format(spec=spec, reason=f"no worker joined in {WORKERS_TIMEOUT_S} s"), "E912") from err
    try:
        client.register_plugin(PipelinePlugin())
    except Exception as err:  # noqa: BLE001 - any failure to load on a worker is reported as one coded error
        raise SettingsError(E913.format(spec=spec, reason=repr(err)), "E913") from err
    versions = client.run(_worker_version)
    other = {worker: version for worker, version in versions.items() if version != __version__}
    if other:
        raise SettingsError(E913.format(spec=spec, reason=f"workers run other conflictlog versions than {__version__}: "
                                                            f"{other}"), "E913")


def _worker_version() -> str:
    from conflictlog import __version__

    return __version__
