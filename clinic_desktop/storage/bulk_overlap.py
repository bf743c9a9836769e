"""Long statements that return nothing (building an index, filling the search index, a bulk
insert's chunks) run on a second thread, on the transaction's own connection, while the caller
goes on with Python work: sqlite3 lets go of the GIL while SQLite runs a statement, so on two
cores both go on at once. Statements run one at a time, in the order they were given.

The connection is never used by two threads at once: every statement the calling thread
sends through SQLAlchemy, and its commit and rollback, first waits for the queued work to
finish (connection events do it, so no caller has to remember to). An error of the queued
work is raised there, in the calling thread, and again at every later statement and at the
commit until the block ends, so a transaction whose index was not built never commits.
Leaving the ``overlapped`` block waits too; leaving it by an exception (a cancel) skips what
has not started and interrupts what runs, so the rollback that follows comes at once.

Elsewhere than SQLite the statements simply run in turn.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import Connection, event


class Overlap:
    """Runs statements on a worker thread (``run``); ``wait`` is the fence."""

    def __init__(self, connection: Connection, *, threaded: bool) -> None:
        self.connection = connection
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-sql") \
            if threaded else None
        self.pending: list[Future[None]] = []
        self.error: BaseException | None = None
        # Set by the worker when a statement failed: what was queued after it is skipped.
        # SQLite may have rolled the whole transaction back on that error (a full disk does),
        # and an INSERT run after it would then commit on its own.
        self.failed = False
        # For the benchmark's report: the worker's CPU time, and the caller's time waiting.
        self.busy = 0.0
        self.waited = 0.0

    def run(self, sql: str, parameters: Sequence[Any] = ()) -> None:
        """Start ``sql`` (a statement that returns nothing) after those already started."""
        if self.pool is None:
            self.connection.exec_driver_sql(sql, tuple(parameters))
            return
        if self.error is not None:
            raise self.error
        driver = self.connection.connection.driver_connection
        self.pending.append(self.pool.submit(self._execute, driver, sql, tuple(parameters)))

    def run_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """Start ``sql`` once for each of ``rows`` (an insert's chunk), after those already
        started. The rows are the worker's from now on: the caller must not change them."""
        if self.pool is None:
            self.connection.exec_driver_sql(sql, rows)
            return
        if self.error is not None:
            raise self.error
        driver = self.connection.connection.driver_connection
        self.pending.append(self.pool.submit(self._execute, driver, sql, rows, many=True))

    def _execute(self, driver: Any, sql: str, parameters: Any, *, many: bool = False) -> None:
        """Run one queued statement: only while nothing queued before it failed, and only
        inside the caller's transaction."""
        if self.failed:
            raise SkippedAfterError("not run: a statement queued before it failed")
        started = time.thread_time()
        cursor = driver.cursor()
        try:
            if not driver.in_transaction:
                raise SkippedAfterError("not run: the transaction has ended")
            if many:
                cursor.executemany(sql, parameters)
            else:
                cursor.execute(sql, parameters)
        except BaseException:
            self.failed = True
            raise
        finally:
            cursor.close()
            self.busy += time.thread_time() - started

    def wait(self) -> None:
        """Block until the queued statements are done; raise the first error any of them met
        (again on every call: the transaction must not go on as if they had run)."""
        if self.pending:
            started = time.perf_counter()
            pending, self.pending = self.pending, []
            for future in pending:
                try:
                    future.result()
                except BaseException as error:  # kept, and raised below
                    if self.error is None:
                        self.error = error
            self.waited += time.perf_counter() - started
        if self.error is not None:
            raise self.error

    def abandon(self) -> None:
        """Skip what has not started, interrupt what runs and wait for it (its error, most
        likely "interrupted", is dropped: the caller is rolling back for its own reason)."""
        pending, self.pending = self.pending, []
        for future in pending:
            future.cancel()
        driver = self.connection.connection.driver_connection
        if driver is not None and any(not f.done() for f in pending):
            driver.interrupt()
        for future in pending:
            with suppress(BaseException):
                future.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)


class SkippedAfterError(RuntimeError):
    """Queued work not run because what came before it failed (that error is the one raised
    to the caller)."""


@contextmanager
def overlapped(connection: Connection) -> Iterator[Overlap]:
    """An ``Overlap`` on ``connection`` for the block (threaded on SQLite only)."""
    overlap = Overlap(connection, threaded=connection.dialect.name == "sqlite")

    def before_statement(*_args: Any) -> None:
        overlap.wait()

    def before_rollback(*_args: Any) -> None:
        overlap.abandon()

    fences = (("before_cursor_execute", before_statement), ("commit", before_statement),
              ("rollback", before_rollback))
    for name, listener in fences:
        event.listen(connection, name, listener)
    try:
        yield overlap
        overlap.wait()
    except BaseException:
        overlap.abandon()
        raise
    finally:
        for name, listener in fences:
            event.remove(connection, name, listener)
        overlap.close()
