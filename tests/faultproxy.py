"""A loopback TCP proxy that breaks one chosen connection, to fail a remote load at a chosen request.

SPARQLWrapper (urllib) opens one connection per request, so "the k-th connection" is "the k-th
request". Two ways to break it:

- ``drop``: close the client's connection before anything reaches the server (the request is lost);
- ``lose-reply``: pass the request to the server, and once its answer starts (the work is done,
  an update committed), close the client's connection without it: the client only sees an error.
"""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager


class FaultProxy:
    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.cut: int | None = None
        self.mode = "drop"
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def arm(self, cut: int | None, mode: str = "drop") -> None:
        """Break the cut-th connection from now on (1-based); None breaks nothing."""
        with self._lock:
            self.connections, self.cut, self.mode = 0, cut, mode

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                self.connections += 1
                broken = self.connections == self.cut
                mode = self.mode
            threading.Thread(target=self._serve, args=(client, broken, mode), daemon=True).start()

    def _serve(self, client: socket.socket, broken: bool, mode: str) -> None:
        if broken and mode == "drop":
            client.close()
            return
        upstream = socket.create_connection(self.target)
        forward = threading.Thread(target=_pump, args=(client, upstream), daemon=True)
        forward.start()
        if broken:  # lose-reply: the server has done the work once its answer starts; hang up on the client
            upstream.recv(65536)
            client.shutdown(socket.SHUT_RDWR)  # wakes the forwarding thread too; close alone would not
        else:
            _pump(upstream, client)
        forward.join(timeout=30)
        upstream.close()
        client.close()

    def close(self) -> None:
        self.listener.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
        sink.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the other side is gone: nothing more to pass on


@contextmanager
def fault_proxy(target: tuple[str, int]):
    proxy = FaultProxy(target)
    try:
        yield proxy
    finally:
        proxy.close()
