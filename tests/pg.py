"""A throwaway PostgreSQL cluster for the tests: started once per session, one database per test.

``initdb`` and ``pg_ctl`` refuse to run as root, and CI runs as root: they then run as the
``postgres`` user (``runuser``), with a data directory that user owns (not under pytest's
0700 root-owned temporary folder). Without the binaries the PostgreSQL tests skip with a
message saying how to install them; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

INSTALL = "install PostgreSQL (`apt-get install postgresql`) to run the PostgreSQL tests"


def _binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (the newest installed), or None."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster: its port and the superuser to connect as."""

    port: int
    user: str
    _names: Iterator[int]
    _clean: list[str] = field(default_factory=list)

    def uri(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database (or one a test used and left as it found it); its URI."""
        import psycopg

        if self._clean:
            return self.uri(self._clean.pop())
        name = f"weekend_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.uri(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.uri(name)

    def recycle(self, uri: str) -> None:
        """Give a database back after its test. Creating one takes about half a second, so
        one that holds nothing but the runbook schema has it dropped and is used again;
        anything else it holds (another schema, a setting) and it is dropped whole."""
        import psycopg

        name = uri.rsplit("/", 1)[1]
        with psycopg.connect(self.uri(), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            try:
                with psycopg.connect(uri, autocommit=True) as conn:
                    conn.execute("DROP SCHEMA IF EXISTS runbook CASCADE")
                    left = conn.execute(
                        "SELECT (SELECT count(*) FROM pg_namespace WHERE nspname NOT IN "
                        "('public', 'information_schema') AND nspname NOT LIKE 'pg\\_%%')"
                        " + (SELECT count(*) FROM pg_class c JOIN pg_namespace n "
                        "ON n.oid = c.relnamespace WHERE n.nspname = 'public')"
                        " + (SELECT count(*) FROM pg_db_role_setting s JOIN pg_database d "
                        "ON d.oid = s.setdatabase WHERE d.datname = current_database())"
                    ).fetchone()
                if left is not None and left[0] == 0:
                    self._clean.append(name)
                    return
            except psycopg.Error:
                pass
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL tests cannot run: {reason}")
    pytest.skip(f"{reason}; {INSTALL}")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster for this test session (initdb --no-sync, fsync off, 127.0.0.1)."""
    bin_dir = _binaries()
    if bin_dir is None:
        _unavailable("initdb and pg_ctl were not found")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e . --group test)")
    assert bin_dir is not None
    as_root = os.geteuid() == 0
    run_as: list[str] = []
    user = pwd.getpwuid(os.geteuid()).pw_name
    base = Path(tempfile.mkdtemp(prefix="runbook-pg-", dir="/var/tmp" if as_root else None))
    if as_root:
        try:
            pg = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(base, ignore_errors=True)
            _unavailable("running as root and there is no `postgres` user to run initdb as")
        os.chown(base, pg.pw_uid, pg.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
        user = "postgres"
    data, sockets = base / "data", base / "sock"
    port = _free_port()

    def run(*args: str) -> None:
        # The server started by pg_ctl keeps whatever output it is given: a log file, never
        # a pipe this process would wait on for ever.
        subprocess.run(
            [*run_as, *args],
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=base,
            timeout=60,
        )

    try:
        run("mkdir", str(sockets))
        run(str(bin_dir / "initdb"), "--no-sync", "-A", "trust", "-U", user, "-D", str(data))
        options = (
            f"-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c max_connections=200"
        )
        run(
            str(bin_dir / "pg_ctl"),
            *("-D", str(data), "-l", str(base / "server.log"), "-o", options, "-w", "-s"),
            "start",
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log = base / "server.log"
        said = (exc.stderr or b"").decode(errors="replace")
        if log.exists():
            said += log.read_text(errors="replace")[-2000:]
        shutil.rmtree(base, ignore_errors=True)
        _unavailable(f"the test cluster did not start: {said.strip()}")
    try:
        yield Cluster(port, user, itertools.count(1))
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-s", "stop"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=base,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_database(pg_cluster: Cluster) -> Iterator[str]:
    """The URI of an empty database of the session's cluster, for this test alone."""
    uri = pg_cluster.create_database()
    yield uri
    pg_cluster.recycle(uri)
