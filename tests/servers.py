"""Real SPARQL servers for the tests: the Oxigraph server binary and a private Virtuoso.

Each context manager starts one server process on free ports of 127.0.0.1, yields once the server
answers a SPARQL `ASK {}`, and stops the process on exit, also when the body raises, so a pytest
session fixture can hold one for the whole run without leaving a process behind.

What Virtuoso 7.2.5 (Debian's virtuoso-opensource) does, observed on the test machine:

- the first start creates the database (about 70 MB) and installs the Conductor package in 3 to 5 s,
  a restart on the same directory takes about 1.5 s; the server then holds about 345 MB (first start)
  or 210 MB (restart) resident, and grows with the data; a stale lock file from a killed server is
  ignored;
- anonymous SPARQL UPDATE on /sparql fails with HTTP 500 "SR186: SECURITY: No permission to execute
  procedure DB.DBA.SPARQL_INSERT_DICT_CONTENT" until `GRANT SPARQL_UPDATE TO "SPARQL"`, which this
  module runs; /sparql-auth takes user dba, password dba with HTTP digest authentication
  (SPARQLWrapper: setHTTPAuth(DIGEST)), never basic;
- isql-vt exits 0 even when the SQL fails, printing "*** Error ..." instead, so its output is checked;
- a port taken between `free_port()` and the server's bind makes the server exit with "Address already
  in use" (Oxigraph) or "Failed to start listening" / "Failed HTTP listen" (Virtuoso): the start is
  retried on other ports.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from loader.serve import oxigraph_binary

__all__ = [
    "Server",
    "free_port",
    "oxigraph_server",
    "virtuoso_server",
]

HOST = "127.0.0.1"

# Virtuoso's default administrator account, unchanged in the databases this module creates.
VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "dba"

# Another process can take a port between free_port() and the server's bind; a few tries make that
# race harmless without hiding a server that cannot start at all.
_PORT_TRIES = 3
_PORT_TAKEN = ("Address already in use", "Failed to start listening", "Failed HTTP listen")

# How much of a server's output an error message carries: enough for the cause, not a whole log.
_LOG_TAIL = 4000


@dataclass(frozen=True)
class Server:
    """A running SPARQL server and where to send queries and updates to it."""

    base_url: str  # "http://127.0.0.1:PORT"
    query_url: str
    update_url: str
    user: str | None  # None: the server takes no credentials (Oxigraph)
    password: str | None
    process: subprocess.Popen[bytes]
    # Virtuoso's digest-authenticated endpoint (user and password above); None for Oxigraph.
    auth_url: str | None = None
    # Virtuoso's SQL port, for isql-vt; None for Oxigraph.
    sql_port: int | None = None


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now (the caller must still expect a race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- Oxigraph -------------------------------------------------------------------------------------


@contextmanager
def oxigraph_server(location: Path | None, *, read_only: bool = False, startup_timeout: float = 30,
                    union: bool = True) -> Iterator[Server]:
    """Run `oxigraph serve` (in memory when location is None) or `serve-read-only` on a free port.

    The default graph is the union of all graphs (--union-default-graph), as in the embedded store's
    queries. With that flag Oxigraph 0.5.13 ignores a query's FROM <g> (the default graph stays the
    union) while FROM NAMED and the protocol's default-graph-uri still apply.
    """
    if read_only and location is None:
        raise ValueError("a read-only Oxigraph server needs a location")
    binary = oxigraph_binary()  # the one `sahelkg serve` runs

    def command(port: int) -> list[str]:
        args = [binary, "serve-read-only" if read_only else "serve", "--bind", f"{HOST}:{port}"]
        args += ["--union-default-graph"] if union else []  # without: a plain `oxigraph serve`, as users start it
        if location is not None:
            args += ["--location", str(location)]
        return args

    # The log directory is not the store: Oxigraph owns everything under --location.
    with tempfile.TemporaryDirectory(prefix="oxigraph-log-") as logs:
        process, port = _start(command, lambda port: f"http://{HOST}:{port}/query", Path(logs), startup_timeout)
        base_url = f"http://{HOST}:{port}"
        try:
            yield Server(
                base_url=base_url,
                query_url=f"{base_url}/query",
                update_url=f"{base_url}/update",
                user=None,
                password=None,
                process=process,
            )
        finally:
            _stop(process)


# --- Virtuoso -------------------------------------------------------------------------------------


def _virtuoso_binaries() -> tuple[str, str] | None:
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt")
    return (server, isql) if server and isql else None


def _virtuoso_ini(directory: Path, sql_port: int, http_port: int) -> str:
    """A complete virtuoso.ini for a private server whose files all live in directory.

    Written whole rather than derived from /etc/virtuoso-opensource-7/virtuoso.ini: that file has
    duplicate keys and inline comments that configparser would have to be taught about, and every
    path in it points at the system database, which must not be touched.
    """
    sections: dict[str, dict[str, object]] = {
        "Database": {
            "DatabaseFile": directory / "virtuoso.db",
            "ErrorLogFile": directory / "virtuoso.log",
            "LockFile": directory / "virtuoso.lck",
            "TransactionFile": directory / "virtuoso.trx",
            "xa_persistent_file": directory / "virtuoso.pxa",
            "ErrorLogLevel": 7,
            "FileExtend": 200,
            "MaxCheckpointRemap": 2000,
            "Striping": 0,
            "TempStorage": "TempDatabase",
        },
        "TempDatabase": {
            "DatabaseFile": directory / "virtuoso-temp.db",
            "TransactionFile": directory / "virtuoso-temp.trx",
            "MaxCheckpointRemap": 2000,
            "Striping": 0,
        },
        "Parameters": {
            # host:port binds the SQL listener to loopback only; a bare port would listen on all interfaces.
            "ServerPort": f"{HOST}:{sql_port}",
            "DisableUnixSocket": 1,
            "DisableTcpSocket": 0,
            "MaxClientConnections": 20,
            "CheckpointInterval": 60,
            "CaseMode": 2,
            # Where file functions (ld_dir, file_to_string, LOAD <file:...>) may read and write.
            "DirsAllowed": f"., {directory}, /usr/share/virtuoso-opensource-7/vad",
            # The Debian package installs the Conductor web UI from here on the first start: not needed
            # by the tests, but handy when a failing test is debugged in a browser.
            "VADInstallDir": "/usr/share/virtuoso-opensource-7/vad/",
            # ORDER BY with LIMIT/OFFSET reaching past this many rows fails with SR353 (default 10000).
            "MaxSortedTopRows": 1_000_000,
            "NumberOfBuffers": 10000,
            "MaxDirtyBuffers": 6000,
        },
        "HTTPServer": {
            "ServerPort": f"{HOST}:{http_port}",
            "ServerRoot": "/var/lib/virtuoso-opensource-7/vsp",
            "MaxClientConnections": 20,
            "ServerThreads": 20,
            "Charset": "UTF-8",
        },
        "SPARQL": {
            # The Debian default of 10000 truncates a SELECT to 10000 rows (a CONSTRUCT to 10001
            # triples) with HTTP 200 and no warning: a truncated answer would look complete.
            "ResultSetMaxRows": 1_000_000,
            # With a cost estimate (Debian: 400) the endpoint compiles each update into SQL first, and
            # INSERT DATA of more than 1426 triples fails ("SP031 ... generated SQL text has exceeded
            # 10000 lines"), ten 1000-triple INSERT DATA in one request fail ("SQ199"). 0 disables it.
            "MaxQueryCostEstimationTime": 0,
            # A timeout can turn a slow query into a partial "anytime" answer rather than an error.
            "MaxQueryExecutionTime": 0,
        },
    }
    lines = []
    for name, keys in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {value}" for key, value in keys.items())
        lines.append("")
    return "\n".join(lines)


def _isql(isql: str, sql_port: int, statement: str, *, timeout: float = 60, harmless: str | None = None) -> str:
    """Run one SQL statement as dba; raises on failure, which isql-vt reports only in its output.

    harmless: an error code (e.g. "U0013") that means the statement had nothing left to do.
    """
    done = subprocess.run(
        [isql, f"{HOST}:{sql_port}", VIRTUOSO_USER, VIRTUOSO_PASSWORD, f"EXEC={statement}"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    output = (done.stdout + done.stderr).decode(errors="replace")
    failed = done.returncode != 0 or "*** Error" in output
    if failed and not (harmless and f"{harmless}:" in output):
        raise RuntimeError(f"isql-vt {statement!r} failed (exit {done.returncode}):\n{output}")
    return output


@contextmanager
def virtuoso_server(directory: Path, *, startup_timeout: float = 120) -> Iterator[Server]:
    """Run a private Virtuoso whose database, logs and temporary files are in directory.

    An existing database in directory is reused. Anonymous SPARQL UPDATE is granted on /sparql, so
    query_url and update_url are the same endpoint; auth_url needs digest authentication.
    """
    binaries = _virtuoso_binaries()
    if binaries is None:
        raise FileNotFoundError("virtuoso-t and isql-vt not found on PATH (Debian: apt-get install virtuoso-opensource)")
    server_binary, isql = binaries
    # Absolute paths: the ini's file names are read relative to the server's working directory.
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    ini = directory / "virtuoso.ini"
    sql_port = 0

    def command(http_port: int) -> list[str]:
        nonlocal sql_port
        sql_port = free_port()
        ini.write_text(_virtuoso_ini(directory, sql_port, http_port))
        return [server_binary, "+foreground", "+configfile", str(ini)]

    process, http_port = _start(command, lambda port: f"http://{HOST}:{port}/sparql", directory, startup_timeout, cwd=directory)
    base_url = f"http://{HOST}:{http_port}"
    try:
        # Granted on every start, as a reused directory may come from elsewhere; a second GRANT fails with
        # U0013 "already have role", which is the state wanted.
        _isql(isql, sql_port, 'GRANT SPARQL_UPDATE TO "SPARQL";', harmless="U0013")
        yield Server(
            base_url=base_url,
            query_url=f"{base_url}/sparql",
            update_url=f"{base_url}/sparql",
            user=VIRTUOSO_USER,
            password=VIRTUOSO_PASSWORD,
            process=process,
            auth_url=f"{base_url}/sparql-auth",
            sql_port=sql_port,
        )
    finally:
        # shutdown() checkpoints, so the next start on this directory needs no roll forward; SIGTERM
        # (in _stop) is the fallback, a "quick shutdown" that is also safe for the database.
        try:
            _isql(isql, sql_port, "shutdown();", timeout=30)
            asked = True
        except (OSError, RuntimeError, subprocess.TimeoutExpired):
            asked = False
        _stop(process, asked=asked, grace=60)


# --- shared -----------------------------------------------------------------------------------------


def _start(
    command: Callable[[int], list[str]],
    probe_url: Callable[[int], str],
    log_dir: Path,
    timeout: float,
    cwd: Path | None = None,
) -> tuple[subprocess.Popen[bytes], int]:
    """Start command(port) until it answers ASK {} at probe_url(port); returns the process and its port."""
    attempt = 0
    while True:
        attempt += 1
        port = free_port()
        argv = command(port)
        # Output goes to a file, not a pipe: nobody reads a pipe while the tests run, and a full one
        # would block the server. A new file per try, so the port-taken check sees only this try.
        log = log_dir / f"{Path(argv[0]).name}.out"
        with ExitStack() as stack:
            out = stack.enter_context(log.open("wb"))
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
            # From here on the process must not outlive a failure, whatever raises (KeyboardInterrupt too).
            stack.callback(_stop, process)
            if _wait_until_ready(process, probe_url(port), timeout):
                stack.pop_all()
                return process, port
            exited = process.poll() is not None
        output = _tail(log)
        if not exited:
            raise TimeoutError(f"{argv[0]} did not answer ASK {{}} on {probe_url(port)} within {timeout} s; output:\n{output}")
        if attempt < _PORT_TRIES and any(marker in output for marker in _PORT_TAKEN):
            continue
        raise RuntimeError(f"{' '.join(argv)} exited with code {process.returncode} before answering; output:\n{output}")


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, timeout: float) -> bool:
    """True once url answers ASK {}; False if the process exits first or the timeout passes."""
    request = urllib.request.Request(
        f"{url}?{urllib.parse.urlencode({'query': 'ASK {}'})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if "boolean" in json.loads(response.read()):
                    return True
        # Refused or reset while the server starts; a half-started server may also answer an error status.
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen[bytes], *, asked: bool = False, grace: float = 10) -> None:
    """Make sure process is gone: give it grace seconds if it was asked to stop, then SIGTERM, then SIGKILL."""
    if asked:
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            process.kill()
    # Reaped, so no zombie stays behind either.
    process.wait()


def _tail(log: Path) -> str:
    text = log.read_text(errors="replace") if log.exists() else ""
    return text[-_LOG_TAIL:]


@contextmanager
def listener(answer: bytes | None = None):
    """A socket listening on 127.0.0.1 as another server would; yields (its URL, a list of the
    connections it got). With `answer`, each connection gets it as soon as it sends something."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    got: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection = server.accept()[0]
            except (TimeoutError, OSError):
                continue
            got.append(connection)
            if answer is not None:
                connection.settimeout(5)
                connection.recv(65536)
                connection.sendall(answer)
                connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", got
    finally:
        stop.set()
        thread.join()
        server.close()
        for connection in got:
            connection.close()
