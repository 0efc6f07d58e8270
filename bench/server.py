"""The static server the contenders crawl: nginx when installed, else the replica's own server.

Both listen on 127.0.0.1 only and are started and stopped by the bench.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from types import TracebackType

from replica import ReplicaServer, Site

NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    default_type text/html;
    types {{ text/html html; text/plain txt; application/xml xml; }}
    sendfile on;
    keepalive_requests 100000;
    absolute_redirect off;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{
            try_files $uri $uri/index.html =404;
            error_page 404 /404.html;
        }}
    }}
}}
"""
READY_TIMEOUT = 15.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str | None:
    """Path of nginx, also where Debian puts it outside a non-root PATH."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
    )


def install_nginx() -> bool:
    """``apt-get install -y nginx-light`` (then ``nginx``); only as root. True when installed."""
    if os.geteuid() != 0:
        print("--install ignored: not root", flush=True)
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for package in ("nginx-light", "nginx"):
        result = subprocess.run(
            ["apt-get", "install", "-y", package],
            env=env,
            capture_output=True,
            timeout=600,
            check=False,
        )
        if result.returncode == 0 and nginx_binary():
            return True
    return False


def wait_ready(url: str, timeout: float = READY_TIMEOUT) -> None:
    """Poll ``url`` until it answers 200 or ``timeout`` passes (then RuntimeError)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} not ready after {timeout}s")


class Nginx:
    """nginx serving ``root`` on ``127.0.0.1:port``; config, pid and temp files in ``tmp``."""

    def __init__(self, binary: str, root: Path, port: int, tmp: Path) -> None:
        self.binary, self.root, self.port, self.tmp = binary, root, port, tmp
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def version(self) -> str:
        result = subprocess.run(
            [self.binary, "-v"], capture_output=True, text=True, timeout=10, check=False
        )
        return (result.stderr or result.stdout).strip().removeprefix("nginx version: ")

    def __enter__(self) -> Nginx:
        self.tmp.mkdir(parents=True, exist_ok=True)
        for directory in (self.tmp.parent, self.root):  # a root master's workers run as nobody
            directory.chmod(0o755)
        conf = self.tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=self.tmp, port=self.port, root=self.root))
        self.process = subprocess.Popen(
            [self.binary, "-c", str(conf), "-p", str(self.tmp)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_ready(self.base_url + "/")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Fallback:
    """The replica's own threaded server (pages rendered once, then cached) on ``port``."""

    def __init__(self, site: Site, port: int) -> None:
        self.server = ReplicaServer(site, port=port)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def version(self) -> str:
        return "replica.ReplicaServer (http.server.ThreadingHTTPServer)"

    def __enter__(self) -> Fallback:
        self.server.start()
        wait_ready(self.base_url + "/")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.stop()
