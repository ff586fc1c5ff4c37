"""Load the demo dealers, users, vehicles, inspections and shipments (safe to run again)."""

from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from dealerhub.demo import DEMO_AUTHENTICATOR, DEMO_PASSWORD, DEMO_TOTP_SECRET, USERS, seed_demo


class Command(BaseCommand):
    help = "Create demo dealers, logins, 660 vehicles, inspections and shipments; idempotent."

    def handle(self, *args, **options):
        steps = iter(range(1, 100))

        def progress(step):
            self.stdout.write(f"[{next(steps)}] {step}...")
            self.stdout.flush()

        summary = seed_demo(progress=progress)
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
        # The managers' second factor: one demo key for both, shown the two ways apps take it.
        self.stdout.write(
            f"Managers then type the code of an authenticator app holding the key "
            f"{DEMO_TOTP_SECRET} (base32), or the one `oathtool --totp -b {DEMO_TOTP_SECRET}` "
            "prints; as otpauth URIs (for a QR code):"
        )
        for username, _name, role, _codes in USERS:
            if role == "manager":
                device = TOTPDevice.objects.get(user__username=username, name=DEMO_AUTHENTICATOR)
                self.stdout.write(f"  {username:<12} {device.config_url}")
        self.stdout.write(
            "JSON API: a manager adds a token under JSON API > API tokens in the admin; its key "
            "is shown once. Docs at /api/v1/docs."
        )
