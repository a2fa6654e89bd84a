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


def _memory_kb(pid: int, field: str) -> int:
    """``Rss`` or ``Pss`` (proportional set size: shared pages, such as the sentence encoder's
    mapped weights, split between the processes that share them) of a process and all its
    descendants. RSS comes from /proc/PID/status; PSS needs smaps_rollup, which costs about
    13 ms per read of a Rasa process under load, so it is sampled rarely."""
    total = 0
    pids = [pid]
    source, prefix = ("status", "VmRSS:") if field == "Rss" else ("smaps_rollup", "Pss:")
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/{source}") as values:
                for line in values:
                    if line.startswith(prefix):
                        total += int(line.split()[1])
                        break
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


def default_replicas() -> int:
    """Rasa replicas of the embedded default: one per core, at most two (lotse.sh does the
    same). One Rasa process handles one message at a time."""
    configured = os.environ.get("LOTSE_RASA_REPLICAS", "").strip()
    if configured:
        return max(1, int(configured))
    return max(1, min(2, os.cpu_count() or 1))


class Stack:
    def __init__(self, replicas: Optional[int] = None,
                 extra_env: Optional[Dict[str, str]] = None) -> None:
        self.extra_env = extra_env or {}
        self.dir = Path(tempfile.mkdtemp(prefix="lotse-bench-"))
        self.replicas = replicas or default_replicas()
        self.ports = {"actions": _free_port(), "gateway": _free_port()}
        for index in range(self.replicas):
            self.ports[self._rasa(index)] = _free_port()
        self.processes: Dict[str, subprocess.Popen] = {}
        self.peaks: Dict[str, int] = {}
        self.pss_peaks: Dict[str, int] = {}
        self._sampling = threading.Event()
        self._sampler: Optional[threading.Thread] = None

    @staticmethod
    def _rasa(index: int) -> str:
        return "rasa" if index == 0 else f"rasa{index + 1}"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def start(self) -> float:
        """Starts every service; returns seconds until all answer."""
        rasa_urls = [f"http://127.0.0.1:{self.ports[self._rasa(i)]}"
                     for i in range(self.replicas)]
        env = _env({
            "LOTSE_ACTION_URL": f"http://127.0.0.1:{self.ports['actions']}/webhook",
            "LOTSE_TRACKER_DIALECT": "sqlite", "LOTSE_TRACKER_DB": str(self.dir / "tracker.db"),
            "LOTSE_DATABASE_URL": f"sqlite:///{self.dir}/lotse.db",
            "LOTSE_RASA_URL": ",".join(rasa_urls),
            "LOTSE_GATEWAY_PORT": str(self.ports["gateway"]),
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS") or str(
                max(1, (os.cpu_count() or 1) // self.replicas)),
            **self.extra_env,
        })
        started = time.perf_counter()
        subprocess.run([_venv_python("rasa"), "-m", "lotse.db_setup"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._spawn("actions", [_venv_python("rasa"), "-m", "rasa_sdk", "--actions", "actions",
                                "--port", str(self.ports["actions"])], env)
        for index in range(self.replicas):
            port = str(self.ports[self._rasa(index)])
            self._spawn(self._rasa(index), [
                _venv_python("rasa"), "-m", "rasa", "run", "--model",
                str(ROOT / "models" / "lotse.tar.gz"), "--port", port, "--interface",
                "127.0.0.1", "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"],
                env)
        self._spawn("gateway", [_venv_python("bot"), "-m", "bot.gateway"], env)
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        for url in [f"http://127.0.0.1:{self.ports['actions']}/health",
                    *(f"{url}/webhooks/lotse/" for url in rasa_urls),
                    f"{self.gateway_url}/health"]:
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
        rounds = 0
        while not self._sampling.is_set():
            for name, process in self.processes.items():
                self.peaks[name] = max(self.peaks.get(name, 0), _memory_kb(process.pid, "Rss"))
                if rounds % 20 == 0:  # every 5 s
                    self.pss_peaks[name] = max(self.pss_peaks.get(name, 0),
                                               _memory_kb(process.pid, "Pss"))
            rounds += 1
            self._sampling.wait(0.25)

    def peak_rss_mb(self) -> Dict[str, float]:
        return {name: kb / 1024 for name, kb in self.peaks.items()}

    def peak_pss_mb(self) -> Dict[str, float]:
        return {name: kb / 1024 for name, kb in self.pss_peaks.items()}

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
