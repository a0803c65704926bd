"""A tiny HTTP server on 127.0.0.1 for the offline download tests (no network needed).

``with serve({"/a.zip": Route(data)}) as server: ...`` serves the given bytes at
``server.url("/a.zip")`` and counts every request per path. Routes can misbehave:
answer an HTTP error, serve other bytes, or close the connection in the middle of
the body on the first ``interrupt`` requests. The server refuses more than
``max_requests`` requests in all (HTTP 503) and stops by itself after ``lifetime``
seconds, so a test can neither hang nor hammer it.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from contextlib import contextmanager


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    status: int = 200
    interrupt: int = 0  # this many first requests get half the body, then the connection closes


class LocalServer:
    """The running server: ``url(path)``, ``requests`` (a Counter per path), ``total``."""

    def __init__(self, routes: dict[str, Route], *, max_requests: int, lifetime: float) -> None:
        self.routes = routes
        self.requests: Counter[str] = Counter()
        self.max_requests = max_requests
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                with server._lock:
                    server.requests[self.path] += 1
                    n = server.requests[self.path]
                    over = sum(server.requests.values()) > server.max_requests
                route = server.routes.get(self.path)
                if over:
                    self.send_error(503, "request budget of the test server used up")
                    return
                if route is None:
                    self.send_error(404)
                    return
                if route.status != 200:
                    self.send_error(route.status)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if n <= route.interrupt:
                    self.wfile.write(route.body[: len(route.body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(route.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def start(self) -> "LocalServer":
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.cancel()
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def serve(routes: dict[str, Route], *, max_requests: int = 50, lifetime: float = 60.0) -> Iterator[LocalServer]:
    """Run a :class:`LocalServer` for the duration of a ``with`` block."""
    server = LocalServer(routes, max_requests=max_requests, lifetime=lifetime).start()
    try:
        yield server
    finally:
        server.stop()


def dead_url(path: str = "/gone") -> str:
    """An address where nobody listens (a port that was just free)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
