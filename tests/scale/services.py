"""Real PostgreSQL and Redis (Debian packages) on loopback, and Lotse processes, for tests."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, seconds: float, what: str) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what} did not start within {seconds:.0f} s")


def http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status == 200


class Postgres:
    """A throw-away cluster; as root it runs as the 'postgres' system user."""

    def __init__(self):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not binaries:
            raise RuntimeError("PostgreSQL is not installed (Debian package postgresql)")
        self.bin = Path(binaries[-1])
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="lotse-pg-"))
        self.as_user: List[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def run(self, *command: str) -> None:
        subprocess.run(self.as_user + list(command), check=True, capture_output=True)

    def start(self) -> "Postgres":
        data = self.dir / "data"
        self.run(str(self.bin / "initdb"), "-D", str(data), "-U", "lotse", "--auth=trust",
                 "-E", "UTF8", "--locale=C")
        self.run(str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"), "-w",
                 "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c max_connections=200", "start")
        for database in ("rasa", "lotse"):
            self.run(str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                     "lotse", "-d", "postgres", "-c", f"CREATE DATABASE {database}")
        return self

    def url(self, database: str) -> str:
        return f"postgresql://lotse@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run(self.as_user + [str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"),
                                       "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    def __init__(self):
        executable = shutil.which("redis-server")
        if not executable:
            raise RuntimeError("Redis is not installed (Debian package redis-server)")
        self.port = free_port()
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> "Redis":
        def ping() -> bool:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        wait_for(ping, 20, "Redis")
        return self

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def rasa_python() -> str:
    venvs = os.environ.get("LOTSE_VENV_DIR") or str(ROOT / ".venv")
    return os.environ.get("LOTSE_RASA_PYTHON") or str(Path(venvs) / "rasa" / "bin" / "python")


class Replica:
    """One action server and one Rasa server using it, on the shared stores."""

    def __init__(self, env: Dict[str, str], log_dir: Path, name: str, debug: bool = False,
                 endpoints: str = "endpoints.postgres.yml"):
        self.endpoints = endpoints
        self.debug = debug  # log at DEBUG level (the privacy test reads these logs)
        self.action_port, self.rasa_port = free_port(), free_port()
        self.env = {**env, "LOTSE_ACTION_URL": f"http://127.0.0.1:{self.action_port}/webhook"}
        self.log_dir, self.name = log_dir, name
        self.processes: List[subprocess.Popen] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def _spawn(self, args: List[str], log_name: str) -> subprocess.Popen:
        log = open(self.log_dir / f"{self.name}-{log_name}.log", "ab")
        process = subprocess.Popen([rasa_python(), "-m", *args], cwd=ROOT, env=self.env,
                                   stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def start(self) -> "Replica":
        self.start_actions()
        self.start_rasa()
        return self

    def start_actions(self) -> None:
        level = ["--debug"] if self.debug else []
        self.actions = self._spawn(["rasa_sdk", "--actions", "actions", "--port",
                                    str(self.action_port)] + level, "actions")

    def start_rasa(self) -> None:
        level = ["--debug"] if self.debug else []
        self.rasa = self._spawn(["rasa", "run", "--model", str(ROOT / "models" / "lotse.tar.gz"),
                     "--port", str(self.rasa_port), "--interface", "127.0.0.1",
                     "--endpoints", self.endpoints, "--credentials",
                     "credentials.yml"] + level, "rasa")

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        process.kill()
        process.wait(timeout=20)

    def wait(self) -> None:
        wait_for(lambda: http_ok(f"http://127.0.0.1:{self.action_port}/health"), 240,
                 f"{self.name} action server")
        wait_for(lambda: http_ok(self.url + "/webhooks/lotse/"), 420, f"{self.name} Rasa")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def base_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3",
            "OMP_NUM_THREADS": "1", **(extra or {})}


def stores_env(postgres: Postgres, redis: Redis, extra: Optional[Dict[str, str]] = None
               ) -> Dict[str, str]:
    return base_env({
        "LOTSE_TRACKER_DIALECT": "postgresql", "LOTSE_TRACKER_HOST": "127.0.0.1",
        "LOTSE_TRACKER_PORT": str(postgres.port), "LOTSE_TRACKER_DB": "rasa",
        "LOTSE_TRACKER_USER": "lotse", "LOTSE_TRACKER_PASSWORD": "",
        "LOTSE_REDIS_HOST": "127.0.0.1", "LOTSE_REDIS_PORT": str(redis.port),
        "LOTSE_REDIS_DB": "0", "LOTSE_REDIS_PASSWORD": "",
        "LOTSE_DATABASE_URL": postgres.url("lotse"), **(extra or {}),
    })
