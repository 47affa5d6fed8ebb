"""A Spark standalone cluster on this machine: one master and N workers, each a separate process.

Each worker runs in its own network namespace (``ip netns``, joined to the master's host by a
veth pair on a private bridge) when the machine allows it (root, iproute2), and on loopback
otherwise, so a worker can be killed like a lost machine: every process of that worker (its
JVM, the executor it launched, the Python workers and the `embedq` processes they piped to)
dies at once.

Used by ``test_cluster.py`` and ``bench_cluster.py``; needs ``SPARK_HOME`` (the pyspark
package folder) and Java 17 on the PATH.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_for_port(host: str, port: int, seconds: float, process: subprocess.Popen, log: str) -> None:
    """Waits until ``host:port`` accepts connections; raises with the log's tail otherwise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {host}:{port}:\n{tail(log)}")
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {host}:{port} after {seconds:.0f} s:\n{tail(log)}")


def tail(path: str, lines: int = 30) -> str:
    """The last lines of a log file."""
    try:
        with open(path, errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return "(no log)"


def namespaces_available() -> bool:
    """Whether ``ip netns`` works here (root and iproute2): tried with a throwaway namespace."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        return False
    name = f"embedq-probe-{os.getpid()}"
    created = subprocess.run(["ip", "netns", "add", name], capture_output=True).returncode == 0
    if created:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return created


@dataclass
class Worker:
    """One worker: its process, its address and (with namespaces) its namespace."""
    index: int
    host: str
    process: subprocess.Popen
    log: str
    namespace: str | None = None
    alive: bool = True


@dataclass
class LocalCluster:
    """Starts and stops a standalone master and ``workers`` workers of ``cores`` cores each.

    ``isolation`` is ``"netns"``, ``"loopback"`` or ``"auto"`` (namespaces when available).
    Use as a context manager; ``master_url`` and ``driver_host`` are what a driver needs.
    """
    workers: int = 2
    cores: int = 1
    memory: str = "1g"
    isolation: str = "auto"
    work_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="embedq-spark-"))
    started: list[Worker] = field(default_factory=list)
    master: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        if self.isolation == "auto":
            self.isolation = "netns" if namespaces_available() else "loopback"
        tag = os.getpid() % 10000
        self._tag = tag
        self._bridge = f"eqb{tag}"
        self._subnet = f"10.213.{tag % 250}"
        self.driver_host = f"{self._subnet}.1" if self.isolation == "netns" else "127.0.0.1"
        self.master_port = free_port()
        self.master_url = f"spark://{self.driver_host}:{self.master_port}"
        self.startup_seconds = 0.0

    # Processes ----------------------------------------------------------------------------

    def _spark_class(self, *arguments: str) -> list[str]:
        return [os.path.join(os.environ["SPARK_HOME"], "bin", "spark-class"), *arguments]

    def _launch(self, command: list[str], log: str, env: dict[str, str]) -> subprocess.Popen:
        handle = open(log, "w")
        # A session of its own, so stop() can signal the whole process group.
        return subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def start(self) -> "LocalCluster":
        """Starts the master, then the workers, and waits until every worker has registered."""
        began = time.monotonic()
        os.makedirs(self.work_dir, exist_ok=True)
        if self.isolation == "netns":
            self._create_network()
        env = dict(os.environ, SPARK_LOCAL_IP=self.driver_host, SPARK_LOG_DIR=self.work_dir,
                   SPARK_NO_DAEMONIZE="1")
        master_log = os.path.join(self.work_dir, "master.log")
        self.master_ui_port = free_port()
        self.master = self._launch(self._spark_class(
            "org.apache.spark.deploy.master.Master", "--host", self.driver_host, "--port", str(self.master_port),
            "--webui-port", str(self.master_ui_port)), master_log, env)
        wait_for_port(self.driver_host, self.master_port, 120, self.master, master_log)
        for index in range(1, self.workers + 1):
            self.started.append(self._start_worker(index, env))
        self._wait_for_registration(120)
        self.startup_seconds = time.monotonic() - began
        return self

    def _start_worker(self, index: int, env: dict[str, str]) -> Worker:
        log = os.path.join(self.work_dir, f"worker-{index}.log")
        work = os.path.join(self.work_dir, f"worker-{index}")
        os.makedirs(work, exist_ok=True)
        if self.isolation == "netns":
            namespace, host = self._namespace(index), f"{self._subnet}.{10 + index}"
            prefix = ["ip", "netns", "exec", namespace]
        else:
            namespace, host, prefix = None, "127.0.0.1", []
        worker_env = dict(env, SPARK_LOCAL_IP=host)
        command = prefix + self._spark_class(
            "org.apache.spark.deploy.worker.Worker", "--host", host, "--cores", str(self.cores),
            "--memory", self.memory, "--work-dir", work, "--webui-port", str(free_port()), self.master_url)
        return Worker(index, host, self._launch(command, log, worker_env), log, namespace)

    def _wait_for_registration(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            registered = sum("Successfully registered with master" in tail(w.log, 200) for w in self.started)
            if registered == len(self.started):
                return
            for worker in self.started:
                if worker.process.poll() is not None:
                    raise RuntimeError(f"worker {worker.index} exited:\n{tail(worker.log)}")
            time.sleep(0.3)
        raise RuntimeError("workers did not register:\n" + "\n".join(tail(w.log) for w in self.started))

    def worker_processes(self, worker: Worker) -> list[int]:
        """Every process of ``worker``: the namespace's processes, or the worker JVM's descendants."""
        if worker.namespace:
            found = subprocess.run(["ip", "netns", "pids", worker.namespace], capture_output=True, text=True).stdout
            return [int(pid) for pid in found.split()]
        return descendants(worker.process.pid) + [worker.process.pid]

    def kill_worker(self, index: int) -> list[int]:
        """Kills every process of worker ``index`` with SIGKILL, as if its machine were lost."""
        worker = self.started[index - 1]
        pids = self.worker_processes(worker)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        worker.alive = False
        return pids

    def stop(self) -> None:
        """Stops every worker and the master, then removes the namespaces and the bridge."""
        for worker in self.started:
            for pid in self.worker_processes(worker) if worker.alive else []:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                os.killpg(worker.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            worker.process.wait()
        if self.master is not None:
            try:
                os.killpg(self.master.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.master.wait()
        if self.isolation == "netns":
            self._remove_network()

    def __enter__(self) -> "LocalCluster":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_: object) -> None:
        self.stop()

    # Network namespaces -------------------------------------------------------------------

    def _namespace(self, index: int) -> str:
        return f"embedq-{self._tag}-w{index}"

    def _create_network(self) -> None:
        def ip(*arguments: str) -> None:
            subprocess.run(["ip", *arguments], check=True, capture_output=True)
        ip("link", "add", self._bridge, "type", "bridge")
        ip("addr", "add", f"{self.driver_host}/24", "dev", self._bridge)
        ip("link", "set", self._bridge, "up")
        for index in range(1, self.workers + 1):
            namespace, host_side, inside = self._namespace(index), f"eqh{self._tag}w{index}", f"eqn{self._tag}w{index}"
            ip("netns", "add", namespace)
            ip("link", "add", host_side, "type", "veth", "peer", "name", inside)
            ip("link", "set", host_side, "master", self._bridge)
            ip("link", "set", host_side, "up")
            ip("link", "set", inside, "netns", namespace)
            ip("-n", namespace, "link", "set", "lo", "up")
            ip("-n", namespace, "addr", "add", f"{self._subnet}.{10 + index}/24", "dev", inside)
            ip("-n", namespace, "link", "set", inside, "up")

    def _remove_network(self) -> None:
        for index in range(1, self.workers + 1):
            subprocess.run(["ip", "netns", "del", self._namespace(index)], capture_output=True)
            subprocess.run(["ip", "link", "del", f"eqh{self._tag}w{index}"], capture_output=True)
        subprocess.run(["ip", "link", "del", self._bridge], capture_output=True)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc), deepest first."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    found: list[int] = []
    stack = list(children.get(pid, []))
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found[::-1]
