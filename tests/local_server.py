"""The part every local fake platform shares: an aiohttp server on 127.0.0.1 with its own event loop thread.

Tests are plain synchronous code while the fakes speak asyncio (websockets, HTTP), so each fake runs its loop
in a private thread; `start`/`stop` bind a free port and join the thread, every step bounded. `_submit` runs a
coroutine on that loop from a test's thread; `_wait` blocks until a recorded condition holds. The newest
started fake of each kind is what payload builders use for URLs they must point at (`active`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar

_T = TypeVar("_T")
HOLD_LIMIT = 60.0  # seconds a held request waits for its test at most (a test that failed before letting it go)


class LocalServer:
    name: ClassVar[str] = "local server"  # in thread names and errors
    _registry: ClassVar[dict[type, list[LocalServer]]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None
        self._slow: dict[str, list[float]] = {}  # by path or method: how long its next requests are held back
        self._holds: dict[str, list[threading.Event]] = {}  # by path or method: gates its next requests wait for
        self._gates: list[threading.Event] = []  # every gate handed out, opened when the fake stops
        self._started: list[str] = []  # paths or methods in the order their requests arrived (before any answer)

    async def _arrived(self, key: str) -> None:
        """A request for `key` (a path, a method) came in: counted for `_started` waiters at once, then held
        back as long as its fake's `slow_next` asked, or until the test opens its `hold_next` gate (a post in
        flight)."""
        with self._cond:
            self._started.append(key)
            self._cond.notify_all()
            delays = self._slow.get(key)
            delay = delays.pop(0) if delays else 0.0
            holds = self._holds.get(key)
            gate = holds.pop(0) if holds else None
        if delay:
            await asyncio.sleep(delay)
        if gate is not None:
            deadline = time.monotonic() + HOLD_LIMIT
            while not gate.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.005)

    def hold_next(self, key: str) -> threading.Event:
        """Hold the next request for `key` (a path, a method) unanswered until the returned event is set (a post
        in flight for exactly as long as the test needs it to be; at most HOLD_LIMIT, and stopping the fake lets it
        go)."""
        gate = threading.Event()
        with self._cond:
            self._holds.setdefault(key, []).append(gate)
            self._gates.append(gate)
        return gate

    async def _serve(self, sock: socket.socket) -> None:
        """Start serving on the bound socket (in the fake's loop)."""
        raise NotImplementedError

    async def _shutdown(self) -> None:
        """Close connections and the server (in the fake's loop)."""
        raise NotImplementedError

    @classmethod
    def active(cls) -> Self | None:
        """The most recently started fake of this kind that is still running."""
        with cls._registry_lock:
            running = cls._registry.get(cls, [])
            return running[-1] if running else None  # type: ignore[return-value]

    def start(self) -> Self:
        """Bind a free port on 127.0.0.1 and serve from a private thread; returns self."""
        if self._thread is not None:
            raise RuntimeError(f"{self.name} is already started")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=self._run_loop, args=(loop,), name=f"{self.name}-{self._port}",
                                        daemon=True)
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._serve(sock), loop).result(timeout=10)
        except BaseException:
            self.stop()
            raise
        with self._registry_lock:
            self._registry.setdefault(type(self), []).append(self)
        return self

    def stop(self) -> None:
        """Close websockets, stop the server and join its thread (each step bounded)."""
        with self._registry_lock:
            running = self._registry.get(type(self), [])
            if self in running:
                running.remove(self)
        with self._cond:
            for gate in self._gates:
                gate.set()
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError(f"{self.name} is not started")
        return self._port

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def _submit(self, coro: Coroutine[Any, Any, _T], timeout: float) -> _T:
        """Run `coro` on the fake's loop from a test's thread and wait for it (bounded)."""
        loop = self._loop
        if loop is None or not loop.is_running():
            coro.close()
            raise RuntimeError(f"{self.name} is not started")
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError(f"blocking {self.name} call made from the fake's own event loop")
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            return future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"{self.name} operation did not finish within {timeout}s") from None

    def _wait(self, probe: Callable[[], _T | None], timeout: float, what: str) -> _T:
        """Block until `probe()` (called under the fake's lock) returns something, or time out."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = probe()
                if result is not None:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no {what} within {timeout}s")
                self._cond.wait(min(remaining, 0.1))


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_until(probe: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Poll `probe` until it returns something truthy (bounded): adapters do their work after the ack. The bound
    is generous because `make wall-clocks` runs three sessions side by side on two cores; a healthy probe returns
    at once, so it costs nothing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {probe}")


class Serving:
    """An adapter's `serve(stop)` coroutine on a private loop in a thread, as its process runs it; `stop` does
    what SIGTERM does there (sets the event: the adapter drains) and returns what it returned."""

    def __init__(self, serve: Callable[[asyncio.Event], Coroutine[Any, Any, bool]]) -> None:
        self.loop = asyncio.new_event_loop()
        self.event = asyncio.Event()
        self.result: list[bool] = []
        self.thread = threading.Thread(target=self._run, args=(serve,), daemon=True)
        self.thread.start()

    def _run(self, serve: Callable[[asyncio.Event], Coroutine[Any, Any, bool]]) -> None:
        asyncio.set_event_loop(self.loop)
        self.result.append(self.loop.run_until_complete(serve(self.event)))
        self.loop.run_until_complete(self.loop.shutdown_default_executor())
        self.loop.close()

    def stop(self) -> bool:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.event.set)
        self.thread.join(30)
        assert not self.thread.is_alive(), "the adapter did not stop within 30 s"
        return self.result[0]
