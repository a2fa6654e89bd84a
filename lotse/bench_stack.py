"""The stack the benchmark starts: action server, Rasa and gateway on embedded defaults,
with temporary stores, plus peak-memory sampling of each service."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent


def _venv_python(name: str) -> str:
    venvs = Path(os.environ.get("LOTSE_VENV_DIR") or ROOT / ".venv")
    return str(venvs / name / "bin" / "python")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{current}/task/{current}/children") as children:
                pids.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def train_model() -> float:
    """Seconds to train the model from scratch (a temporary copy; the project's stays)."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([_venv_python("rasa"), "-m", "rasa", "train", "--force", "--out", out,
                        "--fixed-model-name", "bench"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env({}))
        return time.perf_counter() - started


def _env(extra: Dict[str, str]) -> Dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", **extra}


class Stack:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="lotse-bench-"))
        self.ports = {"actions": _free_port(), "rasa": _free_port(), "gateway": _free_port()}
        self.processes: Dict[str, subprocess.Popen] = {}
        self.peaks: Dict[str, int] = {}
        self._sampling = threading.Event()
        self._sampler: Optional[threading.Thread] = None

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def start(self) -> float:
        """Starts every service; returns seconds until all answer."""
        env = _env({
            "LOTSE_ACTION_URL": f"http://127.0.0.1:{self.ports['actions']}/webhook",
            "LOTSE_TRACKER_DIALECT": "sqlite", "LOTSE_TRACKER_DB": str(self.dir / "tracker.db"),
            "LOTSE_DATABASE_URL": f"sqlite:///{self.dir}/lotse.db",
            "LOTSE_RASA_URL": f"http://127.0.0.1:{self.ports['rasa']}",
            "LOTSE_GATEWAY_PORT": str(self.ports["gateway"]),
        })
        started = time.perf_counter()
        self._spawn("actions", [_venv_python("rasa"), "-m", "rasa_sdk", "--actions", "actions",
                                "--port", str(self.ports["actions"])], env)
        self._spawn("rasa", [_venv_python("rasa"), "-m", "rasa", "run", "--model",
                             str(ROOT / "models" / "lotse.tar.gz"), "--port",
                             str(self.ports["rasa"]), "--interface", "127.0.0.1",
                             "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
                    env)
        self._spawn("gateway", [_venv_python("bot"), "-m", "bot.gateway"], env)
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        for url in (f"http://127.0.0.1:{self.ports['actions']}/health",
                    f"http://127.0.0.1:{self.ports['rasa']}/webhooks/lotse/",
                    f"{self.gateway_url}/health"):
            self._wait(url)
        return time.perf_counter() - started

    def _spawn(self, name: str, command: List[str], env: Dict[str, str]) -> None:
        log = open(self.dir / f"{name}.log", "wb")
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                                stderr=subprocess.STDOUT)

    def _wait(self, url: str, seconds: float = 600) -> None:
        deadline = time.time() + seconds
        while time.time() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited; see {self.dir / (name + '.log')}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(url)

    def _sample(self) -> None:
        while not self._sampling.is_set():
            for name, process in self.processes.items():
                self.peaks[name] = max(self.peaks.get(name, 0), _rss_kb(process.pid))
            self._sampling.wait(0.25)

    def peak_rss_mb(self) -> Dict[str, float]:
        return {name: kb / 1024 for name, kb in self.peaks.items()}

    def stop(self) -> None:
        self._sampling.set()
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use python -m lotse.benchmark")
