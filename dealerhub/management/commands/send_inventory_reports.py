"""python manage.py send_inventory_reports [--dealer ID]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dealerhub import services
from dealerhub.models import InventoryReport, ReportKind, ReportStatus
from inventory.models import Dealer


class Command(BaseCommand):
    help = (
        "Build this week's inventory report of every active dealer (or one) now and e-mail it "
        "to the dealer's managers, whatever the time. A dealer whose report was already sent "
        "this week is not sent it again; a report that failed is built again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dealer", type=int, help="Only this dealer (its id).")

    def handle(self, *args, dealer=None, **options):
        if dealer is not None:
            chosen = Dealer.objects.filter(pk=dealer).first()
            if chosen is None:
                raise CommandError(f"No dealer with id {dealer}.")
            dealers = [chosen]
        else:
            dealers = list(Dealer.objects.filter(is_active=True).order_by("name"))
        now = timezone.now()
        for each in dealers:
            counts = services.inventory_reports_send_weekly(dealer=each, now=now, ignore_time=True)
            report = InventoryReport.objects.get(
                dealer=each, kind=ReportKind.WEEKLY, week_start=services.local_week_start(each, now)
            )
            self.stdout.write(f"{each.name} ({report.week_start}): {self._outcome(counts, report)}")

    def _outcome(self, counts, report):
        if not counts["built"]:
            if report.status == ReportStatus.READY and report.recipients:
                return "already sent this week"
            if report.status == ReportStatus.READY:
                return f"already built this week; not sent: {report.error}"
            return "already being built this week"
        if report.status == ReportStatus.FAILED:
            return f"failed: {report.error}"
        if report.recipients:
            return "sent to " + ", ".join(report.recipient_list)
        return f"not sent: {report.error}"
