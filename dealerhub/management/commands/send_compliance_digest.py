"""Send today's compliance digest of every active dealer, or of one."""

from django.core.management.base import BaseCommand, CommandError

from dealerhub import services
from inventory.models import Dealer


class Command(BaseCommand):
    help = (
        "E-mail each dealer's managers the export deadlines (after-sales confirmation, "
        "temporary plates, de-registration) due within a week or overdue; once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dealer", type=int, help="Only this dealer (its id).")

    def handle(self, *args, dealer=None, **options):
        dealers = Dealer.objects.filter(is_active=True).order_by("pk")
        if dealer is not None:
            dealers = Dealer.objects.filter(pk=dealer)
            if not dealers:
                raise CommandError(f"No dealer with id {dealer}.")
        for each in dealers:
            digest = services.compliance_digest_send(dealer=each)
            if digest is None:
                self.stdout.write(f"{each.name}: nothing due, or no manager to tell")
            elif not digest.just_sent:
                self.stdout.write(f"{each.name}: already sent today")
            else:
                self.stdout.write(
                    f"{each.name}: {digest.deadlines} due ({digest.overdue} overdue), "
                    f"sent to {', '.join(digest.recipients)}"
                )
