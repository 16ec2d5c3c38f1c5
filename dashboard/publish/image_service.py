"""Images and PDFs for a server: one Chromium at a time, a cache of what it made, and a clear «busy» answer.

Why: /vis sits in public iframes. Each PNG/SVG click used to start a Chromium of its own (~1 s of CPU and ~150 MB
each), with no cache and no limit, so a handful of clicks saturated a small server. Here every request of one
server process goes through one `ImageService`:
- one renderer (dashboard/publish/files.ImageRenderer: one Chromium) renders at a time; it stays up between
  requests and is closed after `idle_s` seconds without work, so an idle server holds no browser;
- rendered bytes are cached per key (the caller's figure, selection, database version and format) in the server's
  one byte-bounded store of cached results (dashboard.core.cache, KOSTRA_CACHE_MB), least recently used going first
  across figures, query results and images alike, so the same figure asked for by many readers is rendered once
  and images add nothing to the server's memory beyond that one budget;
- a request for what is being rendered right now waits for that render (20 readers of one figure: one render);
- at most `max_waiting` requests for other files wait for the renderer, each at most `wait_s` seconds; any more, or a longer
  wait, is `RendererBusy` with a Norwegian message, rather than a pile of blocked threads (Streamlit runs download
  callables in its small default thread pool, which the other downloads need too).
"""
from __future__ import annotations

import itertools
import threading
import time
from typing import Callable, Hashable

from dashboard.core import cache
from dashboard.publish.files import ImageRenderer, PublishError

BUSY_MESSAGE = ("Serveren lager bilder for andre akkurat nå. Prøv igjen om et halvt minutt – "
                "eller bruk HTML-filen, som virker uten bilde.")


class RendererBusy(PublishError):
    """Too many image requests at once: the caller says so instead of waiting on."""


_SPACES = itertools.count()


class ImageService:
    def __init__(self, *, wait_s: float = 20.0, max_waiting: int = 3, idle_s: float = 30.0,
                 cache_bytes: int | None = None,
                 make_renderer: Callable[[], ImageRenderer] = ImageRenderer):
        """`cache_bytes`: a store of its own of that size (for tests); by default the server's one store."""
        self.wait_s, self.max_waiting, self.idle_s = wait_s, max_waiting, idle_s
        self._results = cache.results if cache_bytes is None else cache.ByteBudgetCache(cache_bytes)
        self._make_renderer = make_renderer
        self._render_lock = threading.Lock()      # held while the renderer works: one render at a time
        self._state_lock = threading.Lock()       # guards the counters
        self._space = next(_SPACES)
        self._waiting = 0
        self._inflight: dict[Hashable, threading.Event] = {}   # key -> set when its render has finished
        self._renderer: ImageRenderer | None = None
        self._last_used = 0.0
        self._timer: threading.Timer | None = None
        self.renders = 0                          # how many times the renderer worked (for tests and benches)
        self.starts = 0                           # how many times a Chromium was started
        self.most_waiting = 0                     # the most requests that waited at once

    def _key(self, key: Hashable) -> tuple:
        # the store's keys are (kind, database version, key); an image's key has its version inside, so the store's
        # slot for it is None: images go with the rest when the database file is replaced. Each service has its own
        # part of the store (a server has one service; tests make several)
        return ("publish.image", None, (self._space, key))

    def cached(self, key: Hashable) -> bytes | None:
        return self._results.get(self._key(key))

    def get(self, key: Hashable, make: Callable[[ImageRenderer], bytes]) -> bytes:
        """The bytes for key: from the cache, or made by `make(renderer)` while holding the one renderer. The first
        request for a key makes it; requests for the same key meanwhile wait for that one and share its result."""
        data = self.cached(key)
        if data is not None:
            return data
        with self._state_lock:
            done = self._inflight.get(key)
            first = done is None
            if first:
                done = self._inflight[key] = threading.Event()
        if not first:
            # the owner may wait wait_s for the renderer and then render: give it that and a render's time
            if not done.wait(2 * self.wait_s + 30):
                raise RendererBusy(BUSY_MESSAGE)
            data = self.cached(key)
            if data is None:  # the owner was refused or failed: so are we
                raise RendererBusy(BUSY_MESSAGE)
            return data
        try:
            return self._render(key, make)
        finally:
            with self._state_lock:
                self._inflight.pop(key, None)
            done.set()

    def _render(self, key: Hashable, make: Callable[[ImageRenderer], bytes]) -> bytes:
        with self._state_lock:
            if self._waiting >= self.max_waiting:
                raise RendererBusy(BUSY_MESSAGE)
            self._waiting += 1
            self.most_waiting = max(self.most_waiting, self._waiting)
        try:
            acquired = self._render_lock.acquire(timeout=self.wait_s)
        finally:
            with self._state_lock:
                self._waiting -= 1
        if not acquired:
            raise RendererBusy(BUSY_MESSAGE)
        try:
            data = self.cached(key)
            if data is not None:
                return data
            if self._renderer is None:
                self._renderer = self._make_renderer()
                self.starts += 1
            try:
                data = make(self._renderer)
            except Exception:
                self._close_renderer()  # a failed browser is not reused
                raise
            self.renders += 1
            self._store(key, data)  # before the requests waiting for this key wake up and look for it
            return data
        finally:
            self._last_used = time.monotonic()
            self._schedule_idle_close()
            self._render_lock.release()

    def _store(self, key: Hashable, data: bytes) -> None:
        self._results.put(self._key(key), data, size=len(data))

    def _schedule_idle_close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(self.idle_s, self._close_if_idle)
        self._timer.daemon = True
        self._timer.start()

    def _close_if_idle(self) -> None:
        if not self._render_lock.acquire(blocking=False):
            return  # at work: the request now rendering schedules the next check
        try:
            if time.monotonic() - self._last_used >= self.idle_s - 0.01:
                self._close_renderer()
        finally:
            self._render_lock.release()

    def _close_renderer(self) -> None:
        renderer, self._renderer = self._renderer, None
        if renderer is not None:
            try:
                renderer.close()
            except Exception:  # noqa: BLE001 - closing a broken browser must not hide the first error
                pass

    @property
    def renderer_alive(self) -> bool:
        return self._renderer is not None

    def close(self) -> None:
        with self._render_lock:
            if self._timer is not None:
                self._timer.cancel()
            self._close_renderer()


_SERVICE: ImageService | None = None
_SERVICE_LOCK = threading.Lock()


def service() -> ImageService:
    """The server process's one ImageService."""
    global _SERVICE
    with _SERVICE_LOCK:
        if _SERVICE is None:
            _SERVICE = ImageService()
        return _SERVICE
