"""How gunicorn serves DealerHub: `gunicorn -c dealerhub/gunicorn.conf.py dealerhub.wsgi`.

Every value can be changed from the environment, so one file serves a laptop and a server:
GUNICORN_BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (worker processes, default 2),
GUNICORN_WORKER_CLASS (default gthread), GUNICORN_THREADS (threads per worker, default 4),
GUNICORN_TIMEOUT (seconds, default 30).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threaded workers: while one request waits on PostgreSQL or Redis, another thread of the same
# process renders its page, and a browser's kept-alive connection does not hold a whole
# process. Python runs one thread at a time, so more threads than this only add queueing.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request still running after this long is a bug or an outage; the worker is replaced. Long
# work (imports, reports, PDFs of many cars) belongs to Celery, not to a web request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter, so they do not all restart
# together): a slow leak in any library cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Request lines and headers beyond these sizes are refused before Django sees them.
limit_request_line = 8190
limit_request_fields = 100

# gunicorn's run-time control socket sits at one path per user; a second server on the same
# machine (a load test beside a development server) would take it over. Nothing here uses it.
control_socket_disable = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a reverse proxy on another address, list it in FORWARDED_ALLOW_IPS so that gunicorn
# believes its X-Forwarded-* headers; the application's own TRUSTED_PROXIES does the same.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
