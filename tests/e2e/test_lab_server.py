"""`slm lab` — what `make lab` runs — serves JupyterLab on the checkout's notebooks/, as root and
as a normal user: a short-lived server on a free port answers, lists notebooks/ through its
contents API, opens on notebooks/, and is stopped by its process id."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOBODY = 65534  # the unprivileged user of every Linux system
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, token: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.read().decode("utf-8")


def wait_for(url: str, token: str, server: subprocess.Popen[bytes], log: Path) -> str:
    """The body of ``url`` once the server answers it (at most 120 s)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text(encoding="utf-8")[-3000:]
        try:
            status, body = get(url, token)
            if status == 200:
                return body
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"no answer from {url}:\n{log.read_text(encoding='utf-8')[-3000:]}")


def proc_status(pid: int, field: str) -> str:
    lines = Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines()
    return next(line.split()[1] for line in lines if line.startswith(f"{field}:"))


def as_nobody() -> tuple[list[str], dict[str, str]]:
    """How to run this environment's Python as the user nobody: the command's first words and
    the extra environment. This interpreter when nobody can run it; else (this sandbox: the
    virtual environment's Python links into /root, which is 0700) the system's Python of the
    same version reading this environment's packages through PYTHONPATH."""
    drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    probe = subprocess.run(
        [*drop, sys.executable, "-c", "import sys; print(sys.base_prefix)"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.stdout.strip() == sys.base_prefix:
        return [*drop, sys.executable], {}
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    system = shutil.which(version, path="/usr/bin:/usr/local/bin")
    if system is None:
        pytest.skip(f"nobody cannot run {sys.executable} and there is no system {version}")
    packages = sysconfig.get_paths()["purelib"]
    return [*drop, system], {"PYTHONPATH": f"{ROOT}{os.pathsep}{packages}"}


@pytest.fixture
def home() -> Iterator[Path]:
    """A home folder for the server (runtime files, lab settings) that any user can own."""
    folder = Path(tempfile.mkdtemp(prefix="slm-lab-home-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("user", ["current", "normal"])
def test_slm_lab_serves_the_notebooks_and_stops_by_its_pid(user: str, home: Path) -> None:
    if user == "normal":
        if os.geteuid() != 0:
            pytest.skip("not root: the 'current' case already runs as a normal user")
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv (util-linux) is needed to start the server as another user")
        os.chown(home, NOBODY, NOBODY)
        python, extra = as_nobody()
    else:
        python, extra = [sys.executable], {}
    token = secrets.token_hex(16)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLM_", "XDG_", "JUPYTER")) and k not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    env |= {"HOME": str(home), "JUPYTER_TOKEN": token, **extra}
    port = free_port()
    log = home / "lab.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*python, "-m", "slm_analysis", "lab", "--port", str(port)],
            cwd=ROOT / "notebooks",  # the workspace is found from here: the checkout
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    pid = server.pid
    base = f"http://127.0.0.1:{port}"
    try:
        listing = json.loads(wait_for(f"{base}/api/contents/notebooks", token, server, log))
        names = sorted(c["name"] for c in listing["content"] if c["type"] == "notebook")
        assert names == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
        assert "service_review.ipynb" in names
        page = get(f"{base}/lab", token)[1]
        assert f'"serverRoot": "{ROOT}"' in page and '"preferredPath": "notebooks"' in page
        # the server is the process started (slm lab became it), as the user who started it,
        # and hands SLM_LAB_HOME to its kernels
        uid = int(proc_status(pid, "Uid"))
        assert uid == (NOBODY if user == "normal" else os.geteuid())
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert b"jupyterlab" in argv and b"--no-browser" in argv
        assert (b"--allow-root" in argv) == (uid == 0)
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert f"SLM_LAB_HOME={ROOT}".encode() in environ
    finally:
        if server.poll() is None:
            os.kill(pid, signal.SIGTERM)
        server.wait(timeout=60)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(urllib.error.URLError):
        get(f"{base}/api/contents", token)
