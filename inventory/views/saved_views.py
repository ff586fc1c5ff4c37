"""Staff pages for the inventory list's saved views: open one, keep the list as a new one,
change or delete one's own."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import services
from ..forms import SavedViewForm, list_query
from ..models import SavedView
from .base import form_errors, shown_refusal, staff_view


def view_url(view: SavedView) -> str:
    """The list as the view keeps it, marked as opened from it."""
    query = list_query(view.query)
    return (
        reverse("inventory:vehicle_list") + "?" + (f"{query}&" if query else "") + f"view={view.pk}"
    )


def _own(request, pk) -> SavedView:
    """One of the person's own views at the current dealer; another's, even shared, is a 404
    here: only the owner changes a view."""
    return request.dealer_scope.get(
        SavedView.objects.select_related("user").filter(
            user=request.user, dealer=request.dealer_scope.dealer
        ),
        pk=pk,
    )


@staff_view("GET", "HEAD", "POST")
def saved_view(request, pk):
    """GET opens the view in the list (the person's own or one shared at the dealer); POST
    changes its name, default, sharing and, when asked, its filters to the list's current
    ones."""
    if request.method != "POST":
        view = request.dealer_scope.get(
            SavedView.objects.filter(dealer=request.dealer_scope.dealer), pk=pk
        )
        return redirect(view_url(view))
    view = _own(request, pk)
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return redirect(view_url(view))
    data = form.cleaned_data
    changes = {
        "name": data["name"],
        "is_default": data["is_default"],
        "is_shared": data["is_shared"],
    }
    if request.POST.get("replace_query"):
        changes["query"] = data["query"]
    with shown_refusal(request, form):
        view = services.saved_view_update(view=view, by=request.user, **changes)
        messages.success(request, _("View %(name)s saved.") % {"name": view.name})
    return redirect(view_url(view))


@staff_view("POST")
def create(request):
    """Keep the list's current filters, sort and columns under a name."""
    dealer = request.dealer_scope.dealer
    form = SavedViewForm(request.POST)
    back = list_query(request.POST.get("query", ""))
    back_url = reverse("inventory:vehicle_list") + (f"?{back}" if back else "")
    if not form.is_valid():
        form_errors(request, form)
        return redirect(back_url)
    with shown_refusal(request, form) as refused:
        view = services.saved_view_create(dealer=dealer, by=request.user, **form.cleaned_data)
    if refused:
        return redirect(back_url)
    messages.success(request, _("View %(name)s saved.") % {"name": view.name})
    return redirect(view_url(view))


@staff_view("POST")
def delete(request, pk):
    view = _own(request, pk)
    name = view.name
    services.saved_view_delete(view=view, by=request.user)
    messages.success(request, _("View %(name)s deleted.") % {"name": name})
    return redirect(reverse("inventory:vehicle_list") + "?view=all")
