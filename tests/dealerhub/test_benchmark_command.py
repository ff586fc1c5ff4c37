"""`manage.py benchmark` as documented: DATABASE_URL set and DEBUG off, at a tiny size."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_benchmark_runs_every_measure_with_debug_off():
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark needs PostgreSQL")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-test-not-secret",
        # The production defaults: only the deployment's host names, HTTPS redirects on.
        "ALLOWED_HOSTS": "dealerhub.example.com",
    }
    env.pop("SECURE_SSL_REDIRECT", None)
    env.pop("REDIS_URL", None)  # the certificate's tasks run in process
    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark", "--vehicles", "300", "--dealers", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    measures = [json.loads(line) for line in result.stdout.splitlines()]
    names = [measure["name"] for measure in measures]
    assert "dashboard, one dealer" in names
    assert "inspection certificate" in names
    dashboard = next(m for m in measures if m["name"] == "dashboard, one dealer")
    assert dashboard["dealer_vehicles"] == 150
