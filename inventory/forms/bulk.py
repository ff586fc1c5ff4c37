"""What the inventory list asks before changing the ticked cars, and before keeping its filters
as a named view."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ..models import SavedView, VehicleStatus
from ..services import MANUAL_STATUS_MOVES, RepriceBy


class BulkAction:
    REPRICE = "reprice"
    STATUS = "status"
    SHEETS = "sheets"


# The statuses a person can give a car by hand, in a car's order of life.
# Reserving records a customer, a deposit and a last day for one car, on its page.
MANUAL_STATUSES = [
    (status.value, status.label)
    for status in VehicleStatus
    if status != VehicleStatus.RESERVED
    and any(status in targets for targets in MANUAL_STATUS_MOVES.values())
]


class BulkActionForm(forms.Form):
    """One bulk action and what it needs: an amount or percentage, or a status."""

    action = forms.ChoiceField(
        choices=[
            (BulkAction.REPRICE, _("Reprice")),
            (BulkAction.STATUS, _("Change status")),
            (BulkAction.SHEETS, _("Print stock sheets")),
        ]
    )
    reprice_by = forms.ChoiceField(
        label=_("Reprice"), choices=RepriceBy.choices, required=False, initial=RepriceBy.AMOUNT
    )
    change = forms.DecimalField(
        label=_("Change"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("An amount or a percentage; negative lowers the price."),
    )
    to_status = forms.ChoiceField(label=_("New status"), choices=MANUAL_STATUSES, required=False)

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == BulkAction.REPRICE:
            if not data.get("reprice_by"):
                self.add_error("reprice_by", _("Choose an amount or a percentage."))
            if data.get("change") is None and "change" not in self.errors:
                self.add_error("change", _("Enter the change of price."))
            elif data.get("change") == 0:
                self.add_error("change", _("A change of zero changes nothing."))
        elif action == BulkAction.STATUS and not data.get("to_status"):
            self.add_error("to_status", _("Choose a status."))
        return data

    def parameters(self) -> dict:
        """What the confirmation carries on, as text: the action and what it needs."""
        data = self.cleaned_data
        kept = {"action": data["action"]}
        if data["action"] == BulkAction.REPRICE:
            kept.update(reprice_by=data["reprice_by"], change=str(data["change"]))
        elif data["action"] == BulkAction.STATUS:
            kept["to_status"] = data["to_status"]
        return kept


# Where a list is and which view it came from: never part of what a view keeps.
NOT_KEPT = ("after", "before", "view")


def list_query(text: str) -> str:
    """A list's query string as the list itself would write it, parsed and encoded again so
    that only parameters are kept, without the page position or the view it came from."""
    query = QueryDict(text, mutable=True)
    for key in NOT_KEPT:
        query.pop(key, None)
    return query.urlencode()


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=SavedView._meta.get_field("name").max_length)
    is_default = forms.BooleanField(label=_("Open the list with this view"), required=False)
    is_shared = forms.BooleanField(label=_("Share with everyone at the dealer"), required=False)
    # The list's filters, sort and columns as they were when the form was shown.
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=4000)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the view a name."))
        return name

    def clean_query(self):
        query = list_query(self.cleaned_data["query"])
        limit = SavedView._meta.get_field("query").max_length
        if len(query) > limit:
            raise forms.ValidationError(
                _("These filters are too long to keep (at most %(max)s characters).")
                % {"max": limit}
            )
        return query
