"""Named inventory list views: a person's filters, sort and columns kept under a name."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .dealers import Dealer, DealerScopedQuerySet


class SavedViewQuerySet(DealerScopedQuerySet):
    def visible_to(self, user, *, roles=None):
        """A person's own views at the dealers they work for, and the views others there have
        shared with the dealer. Superusers see every view, as they see every dealer."""
        scoped = super().visible_to(user, roles=roles)
        if user is None or not user.is_authenticated or not user.is_active or user.is_superuser:
            return scoped
        return scoped.filter(Q(user=user) | Q(is_shared=True))

    def own_first(self, user):
        """The person's own views first, then those shared with them, each by name."""
        return self.order_by(models.Case(models.When(user=user, then=0), default=1), "name", "pk")


class SavedView(models.Model):
    """A query string of the inventory list (filters, sort, columns, page size) kept under a
    name by one person for one dealer; one of them may open the list by default, and any may be
    shared, read-only, with everyone who works for the dealer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("owner"),
    )
    dealer = models.ForeignKey(
        Dealer, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("dealer")
    )
    name = models.CharField(_("name"), max_length=80)
    # Kept as the list's own parameters: what the list would be asked for by its address.
    query = models.CharField(_("filters, sort and columns"), max_length=2000, blank=True)
    is_default = models.BooleanField(_("opens the list"), default=False)
    is_shared = models.BooleanField(_("shared with the dealer"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved list view")
        verbose_name_plural = _("saved list views")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dealer", "name"],
                name="saved_view_name_unique_per_user_dealer",
                violation_error_message=_("You already have a view with this name."),
            ),
            models.UniqueConstraint(
                fields=["user", "dealer"],
                condition=Q(is_default=True),
                name="saved_view_one_default_per_user_dealer",
                violation_error_message=_("Only one view can open the list."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="saved_view_has_name"),
        ]

    def __str__(self):
        return self.name
