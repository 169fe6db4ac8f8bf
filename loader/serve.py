"""`sahelkg serve`: the real Oxigraph server on the project's store, behind the project's web page.

One address serves everything. The Oxigraph server (the `oxigraph` package's binary) runs as a child
process on a private loopback port; a small front server on the user's address answers:

- ``/``: the project's page, YASGUI (the copy Oxigraph ships) with the project's prefixes and the
  named queries of ``queries/`` one click away;
- ``/queries.json``: those queries, each as written and with its example's values bound;
- everything else (``/query``, ``/update``, ``/store``, YASGUI's files): passed to Oxigraph as is,
  so SPARQLWrapper, curl or any SPARQL client talks the standard protocol to the real server.

Read-only by default: the child is ``oxigraph serve-read-only``, and the server holds the store's
writer lock, so a `sahelkg load` on the same store is refused with a clear message instead of
writing under a reader (which Oxigraph calls undefined behaviour). With ``writable``, updates go
through the server (``sahelkg load --endpoint URL``), which is then the store's only writer.
"""

from __future__ import annotations

import ctypes
import http.client
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .namespaces import PREFIXES
from .store import NoStore, StoreError, name_holder, writer_lock

logger = logging.getLogger(__name__)  # one line per request; the CLI shows them on stderr

PAGE = Path(__file__).resolve().parent / "web" / "index.html"
STARTUP_SECONDS = 30
# hop-by-hop headers (RFC 9110 section 7.6.1) are the proxy's own business, never forwarded
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "host", "content-length"}


def oxigraph_binary() -> str:
    """The Oxigraph server installed with this package (the `oxigraph` wheel puts it beside python).

    sys.executable is made absolute but not resolved: a venv's python is a symlink to the base
    interpreter, whose directory has no oxigraph (or another version of it)."""
    beside = Path(sys.executable).absolute().parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise StoreError("the Oxigraph server is not installed: pip install oxigraph")
    return found


class BadAddress(StoreError):
    """An address to listen on that is not HOST:PORT."""

    def __init__(self, bind: str):
        self.bind = bind
        super().__init__(f"'{bind}' is not an address to listen on, HOST:PORT (e.g. 127.0.0.1:7878)")


def parse_bind(bind: str) -> tuple[str, int]:
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise BadAddress(bind)
    return host.strip("[]"), int(port)


def _free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    """A running `sahelkg serve`: the front address, the Oxigraph child, and how to stop both."""

    store: Path
    url: str
    writable: bool
    oxigraph: subprocess.Popen
    front: ThreadingHTTPServer
    lock: object

    @property
    def query_url(self) -> str:
        return self.url + "query"

    @property
    def update_url(self) -> str:
        return self.url + "update"

    def serve_forever(self) -> None:
        self.front.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.front.shutdown()
        self.front.server_close()
        if self.oxigraph.poll() is None:
            self.oxigraph.terminate()
            try:
                self.oxigraph.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.oxigraph.kill()
                self.oxigraph.wait()
        self.lock.close()  # the store may be written again


def start(store: Path, bind: str = "127.0.0.1:7878", *, writable: bool = False) -> Served:
    """Start Oxigraph on the store and the front server on `bind`; raise StoreError if either cannot."""
    host, port = parse_bind(bind)
    if not writable and not store.is_dir():
        raise NoStore(store)
    lock = writer_lock(store, f"sahelkg serve, pid {os.getpid()}")
    log = tempfile.TemporaryFile()  # the child's messages, read if it stops at start
    try:
        backend = ("127.0.0.1", _free_loopback_port())
        command = [oxigraph_binary(), "serve" if writable else "serve-read-only", "--location", str(store),
                   "--bind", f"{backend[0]}:{backend[1]}", "--union-default-graph"]
        # the child holds the writer lock too (an inherited descriptor of the same lock), so a load stays
        # refused even if this process dies first; and the kernel stops the child when this process dies
        oxigraph = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=log, pass_fds=(lock.fileno(),), preexec_fn=_die_with_parent)
        try:
            _wait_until_ready(oxigraph, backend, log)
            front = _front_server(host, port, backend, store, writable)
        except BaseException:
            oxigraph.kill()
            oxigraph.wait()
            raise
    except BaseException:
        lock.close()
        raise
    url = f"http://{host if ':' not in host else f'[{host}]'}:{front.server_address[1]}/"
    name_holder(lock, f"sahelkg serve at {url}, pid {os.getpid()}")
    return Served(store, url, writable, oxigraph, front, lock)


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to send SIGTERM when the parent dies (prctl PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except OSError:
        pass  # not Linux: the writer lock the child holds still keeps loads out


def _wait_until_ready(oxigraph: subprocess.Popen, backend: tuple[str, int], log) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if oxigraph.poll() is not None:
            log.seek(0)
            message = log.read().decode("utf-8", errors="replace").strip()
            if "lock" in message.lower():
                message = "another process is writing the store"
            raise StoreError(f"the Oxigraph server stopped at start: {message or 'exit ' + str(oxigraph.returncode)}")
        try:
            connection = http.client.HTTPConnection(*backend, timeout=2)
            connection.request("GET", "/query?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    oxigraph.kill()
    raise StoreError(f"the Oxigraph server did not answer within {STARTUP_SECONDS} s")


def named_queries_document(backend: tuple[str, int]) -> list[dict]:
    """The named queries for the page: each as written, and with its example's values written in."""
    from .loading import known_entities
    from .queries import QueryError, bind, example_values, inline, named_queries
    from .remote import RemoteGraph

    graph = RemoteGraph(f"http://{backend[0]}:{backend[1]}/query")
    index = known_entities(graph)
    document = []
    for name, named in named_queries().items():
        values, as_of = example_values(named)
        try:
            bound = inline(named.text, bind(named, values, index, as_of))
        except QueryError:
            bound = None  # the example names something this store does not hold
        document.append({
            "name": name, "title": named.title, "summary": named.summary, "example": named.example,
            "parameters": {**values, **({"asOf": as_of} if as_of else {})},
            "sparql": named.text, "exampleSparql": bound,
        })
    return document


def _front_server(host: str, port: int, backend: tuple[str, int], store: Path, writable: bool) -> ThreadingHTTPServer:
    settings = {"prefixes": PREFIXES, "store": str(store), "writable": writable}

    class Front(BaseHTTPRequestHandler):
        server_version = "sahelkg"
        sys_version = ""

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the name BaseHTTPRequestHandler uses
            logger.info("%s %s %s", self.command, self.path[:120], args[1] if len(args) > 1 else "")

        def _reply(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _trusted(self) -> bool:
            """Refuse requests a web page elsewhere could make: a Host that is not this server's name
            (DNS rebinding) or, for writes, an Origin other than this page's."""
            own_port = self.server.server_address[1]
            names = {host, "localhost", "127.0.0.1", "[::1]"}
            exposed = host in ("0.0.0.0", "::")  # the user chose every interface: any name may reach it
            if not exposed and self.headers.get("Host", "") not in {f"{name}:{own_port}" for name in names}:
                self._reply(403, "text/plain; charset=utf-8", b"unexpected Host header")
                return False
            origin = self.headers.get("Origin")
            if self.command not in ("GET", "HEAD") and origin is not None and \
                    origin not in {f"http://{name}:{own_port}" for name in names}:
                self._reply(403, "text/plain; charset=utf-8", b"cross-origin writes are refused")
                return False
            return True

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if not self._trusted():
                return
            path = self.path.split("?", 1)[0]
            if path in ("/", "/index.html"):
                self._reply(200, "text/html; charset=utf-8", PAGE.read_bytes())
            elif path == "/settings.json":
                self._reply(200, "application/json", json.dumps(settings).encode())
            elif path == "/queries.json":
                try:
                    body = json.dumps(named_queries_document(backend), indent=1, ensure_ascii=False).encode()
                except StoreError as error:
                    self._reply(502, "text/plain; charset=utf-8", str(error).encode())
                    return
                self._reply(200, "application/json; charset=utf-8", body)
            else:
                self._proxy()

        do_HEAD = do_GET  # noqa: N815

        def do_POST(self) -> None:  # noqa: N802
            if self._trusted():
                self._proxy()

        do_PUT = do_DELETE = do_POST  # noqa: N815 - the Graph Store protocol's methods

        def _proxy(self) -> None:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                self._reply(411, "text/plain; charset=utf-8", b"send a Content-Length; chunked bodies are not supported")
                return
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                self._reply(400, "text/plain; charset=utf-8", b"bad Content-Length")
                return
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            connection = http.client.HTTPConnection(*backend, timeout=3600)
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
            except OSError as error:
                self._reply(502, "text/plain; charset=utf-8", f"the Oxigraph server did not answer: {error}".encode())
                return
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Connection", "close")  # the body streams until the connection closes
            self.end_headers()
            try:
                if self.command != "HEAD":
                    while chunk := response.read(65536):
                        self.wfile.write(chunk)
            finally:
                connection.close()

    try:
        server = ThreadingHTTPServer((host, port), Front)
    except OSError as error:
        raise StoreError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    server.daemon_threads = True
    return server
