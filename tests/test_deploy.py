"""deploy/: the sample proxy configs and systemd units agree with each other and with the app: the same
two desk ports behind both proxies, session affinity, websocket upgrade, upload limits, one mail worker.
nginx and HAProxy check their own files when installed (they are not installed by the tests)."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import ROOT
from voc.cli.commands import build_parser
from voc.desk.attachments import MAX_ATTACHMENT_BYTES

DEPLOY = ROOT / "deploy"
NGINX = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
HAPROXY = (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")
APP_UNIT = (DEPLOY / "systemd" / "voc-desk@.service").read_text(encoding="utf-8")
WORKER_UNIT = (DEPLOY / "systemd" / "voc-worker.service").read_text(encoding="utf-8")
PORTAL_UNIT = (DEPLOY / "systemd" / "voc-portal.service").read_text(encoding="utf-8")


def block(text: str, head: str) -> str:
    """The body of `head { ... }` in an nginx config (no nested braces inside the blocks we read)."""
    return re.search(re.escape(head) + r"\s*\{([^{}]*)\}", text).group(1)


def megabytes(size: str) -> int:
    return int(size.rstrip("mM"))


def test_both_proxies_share_the_two_desk_ports_with_affinity():
    upstream = block(NGINX, "upstream voc_desk")
    assert "ip_hash;" in upstream
    nginx_ports = re.findall(r"server 127\.0\.0\.1:(\d+);", upstream)
    backend = HAPROXY.split("\nbackend voc_desk\n", 1)[1].split("\nbackend ", 1)[0]
    assert re.search(r"^\s*cookie VOC_SERVER insert indirect nocache", backend, re.M)
    servers = re.findall(r"server (\w+) 127\.0\.0\.1:(\d+) check cookie (\w+)", backend)
    assert len(nginx_ports) == 2 and [port for _, port, _ in servers] == nginx_ports
    assert all(name == cookie for name, _, cookie in servers)
    assert "option httpchk GET /_stcore/health" in backend
    assert "timeout tunnel" in HAPROXY


def test_nginx_upgrades_the_streamlit_websocket_and_takes_10_mb_attachments():
    for site in NGINX.split("server {")[1:]:
        stream = block(site, "location /_stcore/stream")
        assert "proxy_http_version 1.1;" in stream
        assert "proxy_set_header Upgrade $http_upgrade;" in stream
        assert "proxy_set_header Connection $connection_upgrade;" in stream
        limit = re.search(r"client_max_body_size (\d+m);", site).group(1)
        assert megabytes(limit) * 1024 * 1024 > MAX_ATTACHMENT_BYTES
    assert "map $http_upgrade $connection_upgrade" in NGINX


def test_the_units_run_two_desk_processes_and_one_worker():
    assert "Environment=VOC_MAIL_WORKER=external" in APP_UNIT
    assert re.search(r"^ExecStart=\S+/streamlit run app\.py .*--server\.port %i\b", APP_UNIT, re.M)
    exec_start = re.search(r"^ExecStart=\S+/python -m voc (.*)$", WORKER_UNIT, re.M).group(1).split()
    assert exec_start == ["worker"] and build_parser().parse_args(exec_start).command == "worker"
    assert "KillSignal=SIGTERM" in WORKER_UNIT and "TimeoutStopSec=" in WORKER_UNIT
    portal_port = re.search(r"--server\.port (\d+)", PORTAL_UNIT).group(1)
    assert f"server 127.0.0.1:{portal_port};" in block(NGINX, "upstream voc_portal")
    assert f"127.0.0.1:{portal_port} check" in HAPROXY
    for unit in (APP_UNIT, WORKER_UNIT, PORTAL_UNIT):
        assert "EnvironmentFile=/etc/voc-desk/voc-desk.env" in unit
    assert (DEPLOY / "systemd" / "voc-desk.env.example").read_text(encoding="utf-8").count("VOC_DATABASE_URL=") == 1


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx không được cài (apt-get install nginx)")
def test_nginx_accepts_the_config():
    done = subprocess.run(["nginx", "-t", "-c", str(DEPLOY / "nginx.conf")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy không được cài (apt-get install haproxy)")
def test_haproxy_accepts_the_config():
    done = subprocess.run(["haproxy", "-c", "-f", str(DEPLOY / "haproxy.cfg")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + done.stdout
