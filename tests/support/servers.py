"""Real server processes for the e2e, browser and worker tests: the command, a free port, waiting, stopping."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

START_TIMEOUT_SECONDS = 60.0


def apportion_command() -> list[str]:
    """The venv's `apportion` script next to the running interpreter, so any checkout's venv works."""
    script = Path(sys.executable).with_name("apportion")
    if script.exists():
        return [str(script)]
    # An interpreter without the console script (e.g. a bare checkout on the path) still has the module.
    return [sys.executable, "-c", "from apportion.cli import main; main()"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_answering(
    request: str | urllib.request.Request, process: subprocess.Popen[bytes], log: Path, what: str = "apportion serve"
) -> None:
    """Return once `request` answers 200; RuntimeError with the process's log if it exits or never does."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer within {START_TIMEOUT_SECONDS}s:\n{log.read_text()}")


def api_request(base_url: str, key: str) -> urllib.request.Request:
    """GET /api/v3/me with the key: the request that answers 200 once the API serves."""
    return urllib.request.Request(f"{base_url}/api/v3/me", headers={"ECI-ApiKey": key})


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the process has not ended within 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)
