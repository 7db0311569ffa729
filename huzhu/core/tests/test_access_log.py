"""The server's access log keeps no query string or referrer (gunicorn.conf.py)."""

import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parents[3]


def test_gunicorn_reads_the_file_from_the_checkout_by_default():
    assert Config().settings["config"].default == "./gunicorn.conf.py"
    assert (ROOT / "gunicorn.conf.py").is_file()


def test_a_searched_name_never_reaches_the_access_log(tmp_path):
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("access_log_format", settings["access_log_format"])
    log = Logger(config)
    query = "q=%E5%BC%A0%E4%B8%89&page=2"  # 张三
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/members/?{query}",
        "PATH_INFO": "/members/",
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_REFERER": f"http://127.0.0.1:8000/members/?{query}",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    log.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=12))
    for handler in log.access_log.handlers:
        handler.flush()
    line = (tmp_path / "access.log").read_text()
    assert '"GET /members/ HTTP/1.1" 200 512 12ms' in line
    assert "%E5%BC%A0" not in line and "page=2" not in line and "张三" not in line
