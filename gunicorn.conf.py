"""gunicorn settings, read from the environment (see README「本番環境への配置」).

Run from the project folder: `gunicorn -c gunicorn.conf.py`. Every value can be overridden with the GUNICORN_*
variables below; a malformed number is an error at start-up, never a silent default.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number (got {raw!r}).") from exc


wsgi_app = "smrj_plan.wsgi:application"

# The reverse proxy terminates TLS and forwards to this address; keep it on loopback or a private network.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Synchronous workers: each request holds one database connection, so size PostgreSQL's max_connections for
# (app servers × workers) plus headroom.
workers = _int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9))
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak can never take a server down.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Only the proxy's own address may set X-Forwarded-For / X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# "-" is standard output (journald under systemd); a path writes a file; an empty value turns the log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Remote address, time, request line, status, bytes and the duration in microseconds (%(D)s).
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'

proc_name = "smrj-plan"
# Requests larger than this never reach Django (uploads are limited again by UPLOAD_MAX_BYTES).
limit_request_line = 8190
