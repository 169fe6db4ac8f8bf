"""`sahelkg serve`: the real Oxigraph server on the project's store, behind the project's web page.

One address serves everything. The Oxigraph server (the `oxigraph` package's binary) runs as a child
process on a private loopback port; a small front server on the user's address answers:

- ``/``: the project's page, YASGUI (the copy Oxigraph ships) with the project's prefixes and the
  named queries of ``queries/`` one click away;
- ``/queries.json``: those queries, each as written and with its example's values bound, and its
  parameters; ``/bind.json?name=Q&PARAM=VALUE&asOf=DAY``: a query with the page's values written in;
- ``/entities.json``: every entity's label, names and classes, for the page's pickers;
- ``/network.html?asOf=DAY&focus=ENTITY``: the interactive network on a day; ``/report/STATE/``:
  a state's dossier (``index.html``, ``timeline.svg``, ``network.html``), drawn when asked;
- everything else (``/query``, ``/update``, ``/store``, YASGUI's files): passed to Oxigraph as is,
  so SPARQLWrapper, curl or any SPARQL client talks the standard protocol to the real server.

Read-only by default: the child is ``oxigraph serve-read-only``, and the server holds the store's
writer lock, so a `sahelkg load` on the same store is refused with a clear message instead of
writing under a reader (which Oxigraph calls undefined behaviour). With ``writable``, updates go
through the server (``sahelkg load --endpoint URL``), which is then the store's only writer.

What the front server refuses, because any web page the user visits can make the browser send
requests to it: a Host other than its own names (DNS rebinding), duplicate Host headers,
absolute-form targets, cross-origin requests (Origin, Sec-Fetch-Site) other than opening the page,
and SPARQL that would make Oxigraph send requests elsewhere (SERVICE; LOAD in an update) unless
allowed. Its limits: a request body of at most `max_body` bytes (413 before reading it), 10 s for
each read of a request (`read_seconds`), `workers` requests at once (503 beyond), and `timeout` seconds for a query.
Oxigraph's own time limit (``--timeout-s``) does not stop every evaluation (a join that filters
out every row never checks it), so a query whose client has gone, or that ran past its limit,
and that leaves Oxigraph busy, is stopped by restarting the Oxigraph server.
"""

from __future__ import annotations

import ctypes
import http.client
import json
import logging
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .namespaces import PREFIXES
from .queries import SERVICE, RemoteRequest, refuse_remote_requests
from .store import NoStore, StoreError, name_holder, writer_lock

logger = logging.getLogger(__name__)  # one line per request; the CLI shows them on stderr

PAGE = Path(__file__).resolve().parent / "web" / "index.html"
STARTUP_SECONDS = 30
MAX_BODY = 64 * 1024 * 1024  # bytes of a request body; a load sends requests of ~500 triples
READ_SECONDS = 10  # for each read of a request from a client (its headers, its body)
WORKERS = 32  # requests served at once
QUERY_SECONDS = 60.0
BUFFER_BYTES = 1024 * 1024  # an answer up to this size is held until complete, so a stop can be a clean 503
SPARQL_TYPES = {"application/sparql-query": "query", "application/sparql-update": "update"}
FORM = "application/x-www-form-urlencoded"
CANCELLED = b"The SPARQL operation has been cancelled"  # what Oxigraph writes when its time limit stops a query
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
    child: Oxigraph
    front: ThreadingHTTPServer
    lock: object

    @property
    def oxigraph(self) -> subprocess.Popen:
        return self.child.process

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
        self.child.stop()
        self.lock.close()  # the store may be written again


@dataclass(frozen=True)
class Limits:
    """What the front server allows (see the module's docstring)."""

    timeout: float | None = QUERY_SECONDS  # seconds a query may run; None: no limit
    max_body: int = MAX_BODY
    workers: int = WORKERS
    read_seconds: float = READ_SECONDS
    allow_service: bool = False
    allow_load: bool = False
    # how the replies say to change a limit (the command line words them with its options)
    to_allow: dict | None = None  # {SERVICE: ..., LOAD: ...}
    to_extend: str = "the server's time limit"

    def allow_hint(self, feature: str) -> str:
        return (self.to_allow or {}).get(feature, "the server allows them when started so")

    def stopped(self) -> str:
        return f"query stopped after {self.timeout:g} s ({self.to_extend})"


def start(store: Path, bind: str = "127.0.0.1:7878", *, writable: bool = False, limits: Limits = Limits()) -> Served:
    """Start Oxigraph on the store and the front server on `bind`; raise StoreError if either cannot."""
    host, port = parse_bind(bind)
    if not writable and not store.is_dir():
        raise NoStore(store)
    lock = writer_lock(store, f"sahelkg serve, pid {os.getpid()}")
    try:
        backend = ("127.0.0.1", _free_loopback_port())
        command = [oxigraph_binary(), "serve" if writable else "serve-read-only", "--location", str(store),
                   "--bind", f"{backend[0]}:{backend[1]}", "--union-default-graph"]
        if limits.timeout:
            command += ["--timeout-s", str(max(1, round(limits.timeout)))]
        child = Oxigraph(command, backend, lock)
        child.start()
        try:
            front = _front_server(host, port, child, store, writable, limits)
        except BaseException:
            child.stop()
            raise
    except BaseException:
        lock.close()
        raise
    url = f"http://{host if ':' not in host else f'[{host}]'}:{front.server_address[1]}/"
    name_holder(lock, f"sahelkg serve at {url}, pid {os.getpid()}")
    return Served(store, url, writable, child, front, lock)


class Oxigraph:
    """The Oxigraph server child: started, stopped, and restarted to stop a query nobody waits for."""

    def __init__(self, command: list[str], backend: tuple[str, int], lock):
        self.command, self.backend, self.lock = command, backend, lock
        self.process: subprocess.Popen | None = None
        self.ready = threading.Event()  # cleared while it restarts
        self.restarts = 0
        self._restarting = threading.Lock()
        self._updates = 0  # updates in flight: never cut by a restart
        self._count = threading.Lock()
        self._keeper = ThreadPoolExecutor(1, thread_name_prefix="sahelkg-oxigraph")

    def _start(self) -> None:
        log = tempfile.TemporaryFile()  # the child's messages, read if it stops at start
        # the child holds the writer lock too (an inherited descriptor of the same lock), so a load stays
        # refused even if this process dies first; and the kernel stops the child when this process dies
        self.process = subprocess.Popen(self.command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=log, pass_fds=(self.lock.fileno(),), preexec_fn=_die_with_parent)
        try:
            _wait_until_ready(self.process, self.backend, log)
        except BaseException:
            self.process.kill()
            self.process.wait()
            raise
        self.ready.set()

    def start(self) -> None:
        """Start the server (StoreError if it cannot), from a thread that lives as long as this object:
        Linux sends the parent-death signal when the thread that started the child ends."""
        self._keeper.submit(self._start).result()

    def stop(self) -> None:
        self._terminate()
        self._keeper.shutdown(wait=False)

    def _terminate(self) -> None:
        self.ready.clear()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def updating(self, delta: int) -> None:
        with self._count:
            self._updates += delta

    def cpu_seconds(self) -> float | None:
        """CPU time the child has used (Linux's /proc), or None where it cannot be read."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def stop_abandoned_work(self, window: float = 0.5) -> bool:
        """After a query was given up (its client gone, or past its limit) before its answer was
        complete: restart the server if it is still busy, which is the one way to stop it. Returns
        whether it restarted."""
        with self._restarting:
            self.ready.clear()  # new requests wait: the server they would reach may be restarted
            before = self.cpu_seconds()
            time.sleep(window)
            after = self.cpu_seconds()
            if before is not None and after is not None and after - before < window / 5:
                self.ready.set()
                return False  # idle: Oxigraph stopped the work itself
            while True:
                with self._count:
                    if not self._updates:
                        break
                time.sleep(0.1)  # an update is never cut short: wait for it
            logger.info("restarting the Oxigraph server to stop a query nobody waits for")
            self._terminate()
            self.start()
            self.restarts += 1
            return True


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


def _client_gone(sock: socket.socket) -> bool:
    """Whether the client closed its connection (it sends nothing more once its request is read)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except (OSError, ValueError):
        return True


def sparql_texts(method: str, target: str, content_type: str, body: bytes | None) -> list[tuple[str, bool]]:
    """Every SPARQL text a request carries, each with whether it is an update: the query string's
    `query` and `update` parameters (on any path: Oxigraph answers more than /query), and a body of
    a SPARQL or form type (matched as Oxigraph does, case-insensitively, parameters aside)."""
    texts = []
    for name, values in parse_qs(urlsplit(target).query, keep_blank_values=True).items():
        if name in ("query", "update"):
            texts += [(value, name == "update") for value in values]
    mime = content_type.split(";", 1)[0].strip().lower()
    if method == "POST" and body:
        text = body.decode("utf-8", errors="replace")
        if mime in SPARQL_TYPES:
            texts.append((text, SPARQL_TYPES[mime] == "update"))
        elif mime == FORM:
            for name, values in parse_qs(text, keep_blank_values=True).items():
                if name in ("query", "update"):
                    texts += [(value, name == "update") for value in values]
    return texts


def named_queries_document(backend: tuple[str, int]) -> list[dict]:
    """The named queries for the page: each as written, and with its example's values written in."""
    from .entities import entity_index
    from .queries import QueryError, bind, example_values, inline, named_queries
    from .remote import RemoteGraph

    graph = RemoteGraph(f"http://{backend[0]}:{backend[1]}/query")
    index = entity_index(graph)
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
            "params": [{"name": p.name, "kind": p.kind, "class": p.entity_class, "description": p.description}
                       for p in named.params.values()],
            "sparql": named.text, "exampleSparql": bound,
        })
    return document


def _graph(backend: tuple[str, int]):
    from .api import Graph
    from .remote import RemoteGraph

    return Graph(RemoteGraph(f"http://{backend[0]}:{backend[1]}/query"))


def entities_document(backend: tuple[str, int]) -> list[dict]:
    """Every entity with its label, names and classes: what the page's pickers offer."""
    from .entities import known_entities

    index = known_entities(_graph(backend).backend)  # the pickers offer every entity
    return [{"iri": e.iri, "label": e.label or e.iri.rsplit("/", 1)[-1], "names": sorted(e.names),
             "types": sorted(t.rsplit("#", 1)[-1] for t in e.types)}
            for e in sorted(index.entities.values(), key=lambda e: (e.label or e.iri).casefold())]


def bound_query(backend: tuple[str, int], fields: dict[str, str]) -> str:
    """A named query (`name`) with the page's values (names, aliases or IRIs; `asOf`) written in."""
    from .queries import AS_OF, bind, find_query, inline

    fields = dict(fields)
    named = find_query(fields.pop("name", ""))
    as_of = fields.pop(AS_OF, None) or None
    values = {k: v for k, v in fields.items() if v.strip()}
    return inline(named.text, bind(named, values, _graph(backend).entities(), as_of))


def picture_page(backend: tuple[str, int], path: str, fields: dict[str, str]) -> tuple[str, bytes]:
    """/network.html?asOf=&focus= (the interactive network), /report/STATE/ and its files (a dossier)."""
    graph = _graph(backend)
    as_of = fields.get("asOf") or None
    if path == "/network.html":
        return "text/html; charset=utf-8", graph.plot_network("html", as_of=as_of, focus=fields.get("focus") or None)
    state, _, file = path.removeprefix("/report/").partition("/")
    file = file or "index.html"
    if file not in ("index.html", "timeline.svg", "network.html"):
        raise FileNotFoundError(file)
    with tempfile.TemporaryDirectory(prefix="sahelkg-dossier-") as folder:
        graph.report(unquote(state), folder, as_of=as_of)
        body = (Path(folder) / file).read_bytes()
    return ("image/svg+xml" if file.endswith(".svg") else "text/html; charset=utf-8"), body


class _FrontServer(ThreadingHTTPServer):
    """A thread per request, `workers` at most: beyond them a request gets 503 at once, instead of
    a thread each for idle connections that never finish their request."""

    daemon_threads = True

    def __init__(self, address, handler, workers: int):
        super().__init__(address, handler)
        self.slots = threading.BoundedSemaphore(workers)

    def process_request(self, request, client_address) -> None:
        if not self.slots.acquire(blocking=False):
            try:
                request.settimeout(1)
                body = b"the server is busy: too many requests at once; try again"
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


def _front_server(host: str, port: int, child: Oxigraph, store: Path, writable: bool,
                  limits: Limits) -> ThreadingHTTPServer:
    settings = {"prefixes": PREFIXES, "store": str(store), "writable": writable}
    backend = child.backend
    exposed = host in ("0.0.0.0", "::")  # the user chose every interface: any name may reach it

    class Front(BaseHTTPRequestHandler):
        server_version = "sahelkg"
        sys_version = ""
        timeout = limits.read_seconds  # for each read and write on the client's connection

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

        def _refuse(self, status: int, message: str) -> None:
            self.close_connection = True  # what is left of the request is not read
            self._reply(status, "text/plain; charset=utf-8", message.encode())

        def _trusted(self) -> bool:
            """Refuse requests a web page elsewhere could make: a Host that is not this server's name
            (DNS rebinding), and a cross-origin request other than opening the page."""
            own_port = self.server.server_address[1]
            hosts = self.headers.get_all("Host") or []
            if not self.path.startswith("/"):
                self._refuse(400, "absolute-form request targets are refused: ask for a path, e.g. /query")
                return False
            if len(hosts) != 1:
                self._refuse(400, "a request needs exactly one Host header")
                return False
            names = {host.lower(), "localhost", "127.0.0.1", "[::1]"}
            allowed = {f"{name}:{own_port}" for name in names} | (names if own_port == 80 else set())
            if not exposed and hosts[0].strip().lower() not in allowed:
                self._refuse(403, "unexpected Host header")
                return False
            page = self.command in ("GET", "HEAD") and urlsplit(self.path).path in ("/", "/index.html")
            origin = self.headers.get("Origin")
            site = self.headers.get("Sec-Fetch-Site")
            if not page and ((origin is not None and origin.lower() != f"http://{hosts[0].strip().lower()}")
                             or (site is not None and site.lower() not in ("same-origin", "none"))):
                self._refuse(403, "cross-origin requests are refused: use the page this server shows, or a "
                                  "SPARQL client")
                return False
            return True

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if not self._trusted():
                return
            path = urlsplit(self.path).path
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
            elif path in ("/entities.json", "/bind.json", "/network.html") or path.startswith("/report/"):
                self._page(path, {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()})
            else:
                self._proxy()

        do_HEAD = do_GET  # noqa: N815

        def _page(self, path: str, fields: dict[str, str]) -> None:
            """The page's own answers, drawn from the Oxigraph server behind: a mistake is a 400 in words."""
            from .queries import QueryError

            try:
                if path == "/entities.json":
                    kind, body = "application/json; charset=utf-8", json.dumps(
                        entities_document(backend), ensure_ascii=False).encode()
                elif path == "/bind.json":
                    kind, body = "application/json; charset=utf-8", json.dumps(
                        {"sparql": bound_query(backend, fields)}, ensure_ascii=False).encode()
                else:
                    kind, body = picture_page(backend, path, fields)
            except QueryError as error:
                self._reply(400, "text/plain; charset=utf-8", str(getattr(error, "reason", error)).encode())
                return
            except FileNotFoundError:
                self._reply(404, "text/plain; charset=utf-8", b"no such page")
                return
            except StoreError as error:
                self._reply(502, "text/plain; charset=utf-8", str(error).encode())
                return
            self._reply(200, kind, body)

        def do_POST(self) -> None:  # noqa: N802
            if self._trusted():
                self._proxy()

        do_PUT = do_DELETE = do_POST  # noqa: N815 - the Graph Store protocol's methods

        def _body(self) -> bytes | None:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                raise _Refused(411, "send a Content-Length; chunked bodies are not supported")
            lengths = self.headers.get_all("Content-Length") or []
            try:
                length = int(lengths[0]) if lengths else 0
            except ValueError:
                length = -1
            if len(set(lengths)) > 1 or length < 0:
                raise _Refused(400, "bad Content-Length")
            if length > limits.max_body:
                raise _Refused(413, f"the request body is {length} bytes; this server takes at most {limits.max_body}")
            return self.rfile.read(length) if length else None

        def _check_sparql(self, body: bytes | None) -> bool:
            """Whether the request may go to Oxigraph: no SERVICE or LOAD unless allowed; is it a query."""
            texts = sparql_texts(self.command, self.path, self.headers.get("Content-Type", ""), body)
            for text, update in texts:
                refuse_remote_requests(text, update=update, allow_service=limits.allow_service,
                                       allow_load=limits.allow_load)
            return any(not update for _, update in texts)

        def _proxy(self) -> None:
            try:
                body = self._body()
                is_query = self._check_sparql(body)
            except _Refused as refusal:
                self._refuse(refusal.status, refusal.message)
                return
            except RemoteRequest as refusal:
                what = ("federated queries (SERVICE), which send requests to other servers," if refusal.feature == SERVICE
                        else "LOAD, which fetches a URL,")
                self._refuse(403, f"{what} are refused by this server ({limits.allow_hint(refusal.feature)})")
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            if not child.ready.wait(STARTUP_SECONDS):
                self._refuse(503, "the Oxigraph server is restarting; try again")
                return
            update = self.command == "POST" and not is_query and urlsplit(self.path).path == "/update"
            if update:
                child.updating(+1)
            try:
                self._forward(body, headers, is_query)
            finally:
                if update:
                    child.updating(-1)

        def _forward(self, body: bytes | None, headers: dict, is_query: bool) -> None:
            connection = http.client.HTTPConnection(*backend, timeout=3600)
            watch = _Watch(self.connection, connection, limits.timeout if is_query else None)
            sent, held = False, b""
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                if is_query:  # an update or a graph write is never cut short
                    watch.start()
                response = connection.getresponse()
                complete = False
                if self.command != "HEAD":
                    while len(held) < BUFFER_BYTES:  # a small answer is held whole: a stop is then a clean 503
                        chunk = response.read(65536)
                        if not chunk:
                            complete = True
                            break
                        held += chunk
                else:
                    complete = True
                if complete and is_query and CANCELLED in held[-200:]:
                    raise _Refused(503, limits.stopped())
                self.send_response(response.status, response.reason)
                for key, value in response.getheaders():
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                if complete and self.command != "HEAD":
                    self.send_header("Content-Length", str(len(held)))
                self.send_header("Connection", "close")  # a streamed body ends when the connection closes
                self.end_headers()
                sent = True
                self.wfile.write(held)
                while not complete and (chunk := response.read(65536)):
                    self.wfile.write(chunk)
            except _Refused as refusal:
                self._refuse(refusal.status, refusal.message)
            except (OSError, http.client.HTTPException) as error:
                cancelled = CANCELLED in held[-200:] + getattr(error, "partial", b"")[-200:]
                if (watch.reason == "time" or (is_query and cancelled)) and not sent:
                    self._refuse(503, limits.stopped())
                elif watch.reason is None and not sent:
                    self._refuse(502, f"the Oxigraph server did not answer: {error}")
                # else the client has gone, or the answer was cut mid-way: nobody to tell
            finally:
                watch.done()
                connection.close()
            if watch.reason is not None and is_query:
                child.stop_abandoned_work()

    try:
        server = _FrontServer((host, port), Front, limits.workers)
    except OSError as error:
        raise StoreError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return server


class _Watch:
    """Watches one proxied request from a thread of its own: when its client goes, or a query runs
    past its limit, it cuts the connection to Oxigraph, which ends the request's wait."""

    def __init__(self, client: socket.socket, upstream: http.client.HTTPConnection, limit: float | None):
        self.client, self.upstream, self.limit = client, upstream, limit
        self.reason: str | None = None  # "gone" or "time" once cut
        self._done = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True, name="sahelkg-watch").start()

    def _run(self) -> None:
        # a second past the limit: Oxigraph's own --timeout-s, when it works, ends the query more cleanly
        deadline = None if self.limit is None else time.monotonic() + self.limit + 1
        while not self._done.wait(0.2):
            if _client_gone(self.client):
                self._cut("gone")
            elif deadline is not None and time.monotonic() > deadline:
                self._cut("time")

    def _cut(self, reason: str) -> None:
        self.reason = reason
        self._done.set()
        sock = self.upstream.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def done(self) -> None:
        self._done.set()
