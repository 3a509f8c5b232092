"""A ``Service`` of a worker thread's own, for a view that writes the ledger off the UI thread.

SQLite connections belong to one thread, so the worker's service (``Service.for_worker``) is
made once, used only by jobs on that thread, and closed there, after the job under way.
"""

from __future__ import annotations

from tokenbudget.core.services import Service
from tokenbudget.gui.jobs import SerialRunner


class WorkerService:
    """The worker's service, made on first use; ``close`` closes it on ``thread`` and stops it.

    Args:
        service: The app's facade (the worker shares its settings, registry and files).
        thread: The worker's own thread, or None when jobs run elsewhere (tests run them
            inline), in which case the service is closed where ``close`` is called.
    """

    def __init__(self, service: Service, thread: SerialRunner | None) -> None:
        self._service = service
        self._thread = thread
        self._worker: Service | None = None

    def get(self) -> Service:
        """The worker's service (it opens its ledger connection where it is first used)."""
        if self._worker is None:
            worker = self._service.for_worker()
            worker.recover_ledger = False  # moving a bad ledger aside is the UI's decision
            self._worker = worker
        return self._worker

    def close(self, timeout: float | None = None) -> None:
        """Close the worker's service on its thread (after the job under way), then stop it.

        With ``timeout``, wait no longer than that (seconds) for the job under way: the app
        quits anyway and the daemon thread ends with it, its open transaction never committed.
        """
        worker, self._worker = self._worker, None
        if self._thread is not None:
            self._thread(lambda: worker.close() if worker is not None else None)
            self._thread.stop(wait=True, timeout=timeout)
        elif worker is not None:
            worker.close()
