"""Load the demo dealers, users, vehicles, inspections and shipments (safe to run again)."""

from django.core.management.base import BaseCommand

from dealerhub.demo import DEMO_PASSWORD, USERS, seed_demo


class Command(BaseCommand):
    help = "Create demo dealers, logins, 660 vehicles, inspections and shipments; idempotent."

    def handle(self, *args, **options):
        summary = seed_demo()
        self.stdout.write(
            f"Demo data: {summary.dealers} dealers, {summary.vehicles_total} vehicles "
            f"({summary.vehicles_created} new), {summary.inspections} inspections, "
            f"{summary.shipments} shipments, {summary.documents} documents; "
            f"{summary.candidates} export candidates flagged."
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, _name, role, codes in USERS:
            where = "admin + web UI" if role == "manager" else "web UI"
            self.stdout.write(f"  {username:<12} {role:<8} {', '.join(codes):<24} {where}")
