"""python manage.py snapshot_cash_flow [--dealer ID]"""

from django.core.management.base import BaseCommand, CommandError

from exports import services
from exports.models import CashFlowSnapshot
from inventory.models import Dealer


class Command(BaseCommand):
    help = (
        "Store today's cash position of every active dealer (cars on hand, capital tied up, "
        "carrying cost, export candidates and the cash they would release, floor plan). "
        "Running it again the same day replaces that day's figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dealer", type=int, help="Only this dealer (its id).")

    def handle(self, *args, dealer=None, **options):
        chosen = None
        if dealer is not None:
            chosen = Dealer.objects.filter(pk=dealer).first()
            if chosen is None:
                raise CommandError(f"No dealer with id {dealer}.")
        run = services.cash_flow_snapshot_take(dealer=chosen)
        snapshots = CashFlowSnapshot.objects.filter(
            on__in=run.counts["days"], dealer__is_active=True
        ).select_related("dealer")
        if chosen is not None:
            snapshots = snapshots.filter(dealer=chosen)
        for snapshot in snapshots.order_by("dealer__name"):
            self.stdout.write(
                f"{snapshot.dealer.name} {snapshot.on}: {snapshot.units} on hand "
                f"({snapshot.aged_units} aged), capital {snapshot.capital_tied_up}, "
                f"carry {snapshot.carry_per_day}/day, {snapshot.candidates} candidates "
                f"releasing {snapshot.projected_cash_release}"
            )
        self.stdout.write(f"{run.counts['dealers']} dealers snapshotted.")
