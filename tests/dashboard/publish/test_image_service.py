"""The server's image work is bounded: one renderer at a time (never two Chromiums), each result cached per key, a
«busy» answer instead of a queue that grows, and no browser left running when idle."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard.publish import files as publish
from dashboard.publish.image_service import ImageService, RendererBusy


class CountingRenderer:
    """Stands in for the Chromium renderer where the test is about concurrency: it records how many renders run at
    once and how many renderers are alive (class-wide), and takes `seconds` per render."""
    alive = 0
    most_alive = 0
    lock = threading.Lock()

    def __init__(self, seconds: float = 0.05):
        self.seconds, self.running, self.most_running, self.closed = seconds, 0, 0, False
        with CountingRenderer.lock:
            CountingRenderer.alive += 1
            CountingRenderer.most_alive = max(CountingRenderer.most_alive, CountingRenderer.alive)

    def make(self, key: str) -> bytes:
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        time.sleep(self.seconds)
        self.running -= 1
        return f"bilde {key}".encode()

    def close(self) -> None:
        self.closed = True
        with CountingRenderer.lock:
            CountingRenderer.alive -= 1


@pytest.fixture
def renderers(monkeypatch):
    made: list[CountingRenderer] = []
    CountingRenderer.alive = CountingRenderer.most_alive = 0

    def factory(seconds: float = 0.05):
        def make():
            made.append(CountingRenderer(seconds))
            return made[-1]
        return make
    return made, factory


def test_twenty_requests_for_one_figure_render_it_once_and_all_get_it(renderers):
    made, factory = renderers
    service = ImageService(make_renderer=factory(0.3), wait_s=10, max_waiting=1)  # waiting for a render in flight
    #                                                     does not take a place in the queue
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda _: service.get(("kostnad-hjemme", "png"), lambda r: r.make("a")), range(20)))
    assert results == [b"bilde a"] * 20
    assert service.renders == 1 and service.starts == 1 and len(made) == 1
    service.close()


def test_twenty_different_requests_never_run_two_renderers_and_the_rest_hear_busy(renderers):
    made, factory = renderers
    service = ImageService(make_renderer=factory(0.1), wait_s=5, max_waiting=3)
    start = threading.Barrier(20)

    def ask(i: int):
        start.wait()
        try:
            return service.get((f"figur-{i}", "png"), lambda r: r.make(str(i)))
        except RendererBusy as exc:
            return exc
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(ask, range(20)))
    done = [r for r in results if isinstance(r, bytes)]
    busy = [r for r in results if isinstance(r, RendererBusy)]
    assert len(done) + len(busy) == 20 and busy and done
    assert all("Prøv igjen" in str(b) for b in busy)
    assert len(done) == service.renders and service.most_waiting <= 3  # never more than max_waiting waiters
    assert CountingRenderer.most_alive == 1 and max(r.most_running for r in made) == 1 and service.starts == 1
    service.close()


def test_a_wait_longer_than_wait_s_is_busy(renderers):
    _, factory = renderers
    service = ImageService(make_renderer=factory(0.6), wait_s=0.1)
    slow = threading.Thread(target=service.get, args=("a", lambda r: r.make("a")))
    slow.start()
    time.sleep(0.2)
    with pytest.raises(RendererBusy):
        service.get("b", lambda r: r.make("b"))
    slow.join()
    assert service.get("b", lambda r: r.make("b")) == b"bilde b"  # free again
    service.close()


def test_an_idle_renderer_is_closed_and_a_new_one_starts_when_needed(renderers):
    made, factory = renderers
    service = ImageService(make_renderer=factory(0.01), idle_s=0.2)
    service.get("a", lambda r: r.make("a"))
    assert service.renderer_alive
    deadline = time.monotonic() + 5
    while service.renderer_alive and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not service.renderer_alive and made[0].closed
    service.get("b", lambda r: r.make("b"))
    assert service.starts == 2 and CountingRenderer.alive == 1
    service.close()
    assert CountingRenderer.alive == 0


def test_a_failed_render_closes_the_renderer_and_the_next_request_works(renderers):
    made, factory = renderers
    service = ImageService(make_renderer=factory(0.01))

    def broken(_renderer):
        raise publish.PublishError("Chromium klarte ikke å lage bildene: testfeil")
    with pytest.raises(publish.PublishError, match="testfeil"):
        service.get("a", broken)
    assert made[0].closed and not service.renderer_alive
    assert service.get("a", lambda r: r.make("a")) == b"bilde a" and service.starts == 2
    service.close()


def test_the_cache_holds_at_most_cache_bytes(renderers):
    _, factory = renderers
    service = ImageService(make_renderer=factory(0.0), cache_bytes=20)
    for key in ("a", "b", "c"):
        service.get(key, lambda r, k=key: r.make(k))  # 7 bytes each
    assert service.cached("a") is None and service.cached("b") == b"bilde b" and service.cached("c") == b"bilde c"
    service.close()


def test_the_real_renderer_makes_a_png_once_for_many_readers(db_env):
    from dashboard.publish.run import build_bundles
    (bundle,), _ = build_bundles(["kostnad-hjemme"], kommune="3909")
    service = ImageService(idle_s=30)
    try:
        make = lambda r: r.render([bundle], ("png",))[("kostnad-hjemme", "png")]  # noqa: E731
        with ThreadPoolExecutor(4) as pool:
            pngs = list(pool.map(lambda _: service.get(("kostnad-hjemme", "3909", "png"), make), range(4)))
        assert all(p[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs) and len(set(pngs)) == 1
        assert service.renders == 1 and service.starts == 1
    finally:
        service.close()
    assert not service.renderer_alive


def test_images_are_kept_on_the_servers_one_byte_budget(renderers, monkeypatch):
    """Issue 27: a server's images count against KOSTRA_CACHE_MB with every other cached result, least recently used
    going first across them, not in a cache of their own beside it."""
    from dashboard.core import cache
    store = cache.ByteBudgetCache(20)
    monkeypatch.setattr(cache, "results", store)
    _, factory = renderers
    service = ImageService(make_renderer=factory(0.0))
    service.get("a", lambda r: r.make("a"))  # 7 bytes
    store.put(("other", None, "query result"), b"x" * 7, size=7)
    assert store.bytes == 14
    service.get("b", lambda r: r.make("b"))  # 7 more: the least recently used entry, image a, goes
    assert service.cached("a") is None and service.cached("b") == b"bilde b"
    assert store.get(("other", None, "query result")) is not None and store.bytes == 14
    service.close()
