"""Site-wide pages: the dashboard and the health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from inventory.models import Dealer, VehicleStatus


@login_required
def dashboard(request):
    dealers = Dealer.objects.visible_to(request.user).annotate(
        in_stock=Count(
            "vehicles",
            filter=Q(vehicles__status__in=[VehicleStatus.IN_STOCK, VehicleStatus.RESERVED]),
        ),
        candidates=Count("vehicles", filter=Q(vehicles__export_candidate=True)),
    )
    return render(request, "dealerhub/dashboard.html", {"dealers": dealers})


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure to answer is a failed check
        return False, exc.__class__.__name__


def _redis_ok():
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return True, "ok"
    except Exception as exc:  # any failure to answer is a failed check
        return False, exc.__class__.__name__


@never_cache
def healthz(request):
    checks = {}
    db_ok, checks["database"] = _database_ok()
    healthy = db_ok
    if settings.REDIS_URL:
        redis_ok, checks["redis"] = _redis_ok()
        healthy = healthy and redis_ok
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
