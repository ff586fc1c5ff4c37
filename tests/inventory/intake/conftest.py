"""Fixtures of the stock-import tests: private media, tasks run in the test's process, and
posts whose queued tasks run once the view's transaction would have committed."""

import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def eager_tasks():
    """Tasks run in the test's process, as in the embedded default. Celery reads its settings
    once, so they are set on the app."""
    from dealerhub.celery import app

    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = was


@pytest.fixture
def run_tasks(eager_tasks, django_capture_on_commit_callbacks):
    """`run_tasks(call, ...)`: make the call, then run the tasks it queued on commit."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run
