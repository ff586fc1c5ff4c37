"""Staff pages for a dealer's vehicles: the list and its CSV, the vehicle page, receiving and
editing a car, its status and papers, and the dealer switcher."""

import csv
import io
import itertools
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Case, CharField, F, IntegerField, Value, When
from django.db.models.functions import Concat, Greatest, Left
from django.db.models.lookups import In, LessThanOrEqual
from django.http import Http404, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import format_money, format_number
from core.translation import country_name

from .. import aging, costs, holding, services, uploads
from .. import vin as vin_rules
from ..filters import VehicleFilterSet, bucket_label
from ..forms import (
    BulkActionForm,
    FloorPlanPaymentForm,
    RepriceForm,
    ReservationForm,
    SavedViewForm,
    VehicleDocumentForm,
    VehicleFloorForm,
    VehicleForm,
    VehiclePhotoForm,
    list_query,
)
from ..idempotency import once_per_form
from ..models import (
    ZERO,
    ProgrammeEnrolment,
    SavedView,
    Vehicle,
    VehicleDocument,
    VehiclePhoto,
    VehicleStatus,
    message_text,
    paper_label,
    vin_check,
    vin_decode,
)
from ..spreadsheets import FORMULA_PREFIXES, csv_safe
from . import bulk
from .base import Confirmation, form_errors, shown_refusal, staff_view, unconfirmed
from .lists import Column, ListSpec, Sort, filtered, list_page, sort_of
from .saved_views import view_url

# A car's life in order, for the sort by status.
STATUS_ORDER = (
    VehicleStatus.IN_STOCK,
    VehicleStatus.RESERVED,
    VehicleStatus.ALLOCATED,
    VehicleStatus.EXPORTED,
    VehicleStatus.SOLD_FOR_EXPORT,
    VehicleStatus.SOLD_DOMESTIC,
)


def with_sort_keys(rows, *, dealer, **_filter_arguments):
    """Days in stock by the one definition (they stop the day the car left stock) and the
    status's place in a car's life, for the sorts by them."""
    # Not named days_in_stock: a row keeps its days_in_stock() method.
    return rows.annotate(
        stock_days=holding.days_in_stock(dealer.today()),
        status_rank=Case(
            *(When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_ORDER)),
            output_field=IntegerField(),
        ),
    )


VEHICLES = ListSpec(
    filterset=VehicleFilterSet,
    sorts={
        **{
            key: Sort(label, (key,))
            for key, label in {
                "stocked_on": gettext_lazy("Stocked on"),
                "vin": gettext_lazy("VIN"),
                "make": gettext_lazy("Make"),
                "model": gettext_lazy("Model"),
                "model_year": gettext_lazy("Year"),
                "odometer_km": gettext_lazy("Odometer"),
                "list_price": gettext_lazy("List price"),
            }.items()
        },
        "days_in_stock": Sort(gettext_lazy("Days in stock"), ("stock_days",)),
        # Within a status, the longest in stock first.
        "status": Sort(gettext_lazy("Status"), ("status_rank", "-stock_days")),
    },
    default_sort="-stocked_on",
    page_size=50,
    page_sizes=(25, 50, 100, 200),
    optional_columns=(
        Column("stocked_on", gettext_lazy("Stocked on")),
        Column("make", gettext_lazy("Make")),
        Column("model_year", gettext_lazy("Year")),
        Column("odometer_km", gettext_lazy("Odometer")),
        Column("list_price", gettext_lazy("List price")),
        Column("days_in_stock", gettext_lazy("Days in stock")),
        Column("colour", gettext_lazy("Colour"), shown=False),
        Column("registered_on", gettext_lazy("First registered on"), shown=False),
        Column("acquisition_cost", gettext_lazy("Acquisition cost"), shown=False),
    ),
    annotate=with_sort_keys,
)


def days_and_bucket(vehicle, today, buckets):
    days = vehicle.days_in_stock(today)
    return days, bucket_label(aging.bucket_for(days, buckets))


def list_rows(vehicles, *, today, buckets) -> list[dict]:
    """What each row of the list shows, worked out here rather than by filters and tags in
    the template's loop, where each costs a lookup per row: the page's time goes mostly into
    rendering its rows. Dates as Y-m-d, figures grouped as the reader's language writes them."""
    select = _("Select %(vin)s")
    labels = {bucket.key: bucket_label(bucket) for bucket in buckets}
    rows = []
    for vehicle in vehicles:
        days = vehicle.days_in_stock(today)
        photo = vehicle.first_photo
        rows.append(
            {
                "vehicle": vehicle,
                "url": reverse("inventory:vehicle_detail", args=[vehicle.pk]),
                "thumbnail_url": reverse(
                    "inventory:vehicle_photo_thumbnail", args=[vehicle.pk, photo.pk]
                )
                if photo
                else "",
                "select_label": select % {"vin": vehicle.vin},
                "stocked_on": vehicle.stocked_on.isoformat(),
                "registered_on": (
                    vehicle.registered_on.isoformat() if vehicle.registered_on else "—"
                ),
                "powertrain": vehicle.get_powertrain_display(),
                "status": vehicle.get_status_display(),
                "odometer_km": format_number(vehicle.odometer_km),
                "list_price": format_number(vehicle.list_price, 0),
                "acquisition_cost": format_number(vehicle.acquisition_cost, 0),
                "days": format_number(days),
                "bucket": labels[aging.bucket_for(days, buckets).key],
            }
        )
    return rows


@staff_view("GET", "HEAD")
def listing(request):
    dealer = request.dealer_scope.dealer
    saved = list(
        request.dealer_scope.of_dealer(SavedView.objects.select_related("user")).own_first(
            request.user
        )
    )
    if not request.GET:
        default = next((v for v in saved if v.user_id == request.user.pk and v.is_default), None)
        if default:
            return redirect(view_url(default))
    # The verdict comes in the same query: a candidate's row names its markets.
    vehicles = request.dealer_scope.of_dealer(Vehicle.objects.select_related("export_verdict"))
    shown = list_page(request, VEHICLES, vehicles, dealer=dealer)
    if shown.page.rows:
        # Each car's first photo, for the whole page in one query.
        first = request.dealer_scope.of_dealer(VehiclePhoto.objects.all()).first_of(
            vehicle.pk for vehicle in shown.page.rows
        )
        for vehicle in shown.page.rows:
            vehicle.first_photo = first.get(vehicle.pk)
    rows = list_rows(shown.page.rows, today=dealer.today(), buckets=dealer.buckets)
    active = next((v for v in saved if str(v.pk) == request.GET.get("view")), None)
    for view in saved:
        view.url = view_url(view)
    return render(
        request,
        "inventory/vehicle_list.html",
        shown.context(
            rows=rows,
            show={c.key: c.key in shown.shown_columns for c in VEHICLES.optional_columns},
            saved_views=saved,
            active_view=active,
            kept_query=list_query(shown.query),
            view_form=SavedViewForm(
                initial={
                    "name": active.name,
                    "is_default": active.is_default,
                    "is_shared": active.is_shared,
                }
            )
            if active and active.user_id == request.user.pk
            else None,
            bulk_form=BulkActionForm(),
            open_shipments=(
                bulk.shipment_choices_provider(dealer) if bulk.shipment_choices_provider else []
            ),
        ),
    )


# Rows fetched from a server-side cursor at a time, and written to the response as one piece.
CHUNK_SIZE = 2000

CSV_COLUMNS = (
    ("vin", gettext_lazy("VIN")),
    ("stock_number", gettext_lazy("Stock number")),
    ("make", gettext_lazy("Make")),
    ("model", gettext_lazy("Model")),
    ("trim", gettext_lazy("Trim")),
    ("model_year", gettext_lazy("Model year")),
    ("powertrain", gettext_lazy("Powertrain")),
    ("colour", gettext_lazy("Colour")),
    ("odometer_km", gettext_lazy("Odometer (km)")),
    ("stocked_on", gettext_lazy("Stocked on")),
    ("registered_on", gettext_lazy("First registered on")),
    ("status", gettext_lazy("Status")),
    ("left_stock_on", gettext_lazy("Left stock on")),
    ("list_price", gettext_lazy("List price")),
    ("acquisition_cost", gettext_lazy("Acquisition cost")),
    ("export_candidate", gettext_lazy("Export candidate")),
)


def csv_text(name):
    """Column `name` as `csv_safe` writes typed text: with an apostrophe before a first
    character that would start a formula."""
    return Case(
        When(In(Left(name, 1), list(FORMULA_PREFIXES)), then=Concat(Value("'"), F(name))),
        default=F(name),
        output_field=CharField(),
    )


def csv_lines(queryset, dealer):
    """The CSV of `queryset`'s cars, in its order, as pieces of text of CHUNK_SIZE rows each:
    a byte-order mark so spreadsheet programs read UTF-8 (Chinese) text, a header in the
    user's language, then per car the columns above, its days in stock and aging bucket.

    The database hands every cell over ready to write, as `csv_safe` would write it: typed
    text guarded against formulas, labels already in the reader's language, the days in
    stock and their bucket. On PostgreSQL Python makes no call of its own per row; numbers
    and dates are written by csv.writer as str() writes them, which is what `csv_safe`
    returns for them. Only one chunk of rows is held at a time (a server-side cursor on
    PostgreSQL)."""
    today = dealer.today()
    days = Greatest(holding.days_in_stock(today), Value(0))
    last, *earlier = reversed(dealer.buckets)
    # Every label is put in the reader's language now, while the request's language is active.
    cells = {
        "vin": csv_text("vin"),
        "stock_number": csv_text("stock_number"),
        "make": csv_text("make"),
        "model": csv_text("model"),
        "trim": csv_text("trim"),
        "model_year": F("model_year"),
        "powertrain": csv_text("powertrain"),
        "colour": csv_text("colour"),
        "odometer_km": F("odometer_km"),
        "stocked_on": F("stocked_on"),
        "registered_on": F("registered_on"),
        "status": Case(
            *(
                When(status=value, then=Value(csv_safe(label)))
                for value, label in VehicleStatus.choices
            ),
            default=csv_text("status"),
            output_field=CharField(),
        ),
        "left_stock_on": F("left_stock_on"),
        "list_price": F("list_price"),
        "acquisition_cost": F("acquisition_cost"),
        "export_candidate": Case(
            When(export_candidate=True, then=Value(csv_safe(_("Yes")))),
            default=Value(csv_safe(_("No"))),
            output_field=CharField(),
        ),
        "days_in_stock": days,
        "aging_bucket": Case(
            *(
                When(LessThanOrEqual(days, bucket.high), then=Value(csv_safe(bucket_label(bucket))))
                for bucket in reversed(earlier)
            ),
            default=Value(csv_safe(bucket_label(last))),
            output_field=CharField(),
        ),
    }
    header = [csv_safe(label) for _name, label in CSV_COLUMNS] + [
        csv_safe(_("Days in stock")),
        csv_safe(_("Aging bucket")),
    ]
    rows = queryset.annotate(**{f"csv_{name}": cell for name, cell in cells.items()})
    rows = rows.values_list(*(f"csv_{name}" for name in cells))

    def chunks():
        database = connections[rows.db]
        if database.vendor == "postgresql":
            # psycopg already returns each value as the ORM would (str, int, date, Decimal),
            # so the rows are read straight from a server-side cursor, without the ORM's
            # per-row conversion.
            sql, params = rows.query.sql_with_params()
            with database.chunked_cursor() as cursor:
                cursor.execute(sql, params)
                while chunk := cursor.fetchmany(CHUNK_SIZE):
                    yield chunk
        else:
            # SQLite needs the ORM's conversion (its decimals come back as floats).
            iterator = rows.iterator(chunk_size=CHUNK_SIZE)
            while chunk := list(itertools.islice(iterator, CHUNK_SIZE)):
                yield chunk

    def pieces():
        out = io.StringIO()
        writer = csv.writer(out)
        out.write("\ufeff")
        writer.writerow(header)
        for chunk in chunks():
            writer.writerows(chunk)
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        if out.tell():
            yield out.getvalue()

    return pieces()


@staff_view("GET", "HEAD")
def csv_export(request):
    """Exactly the filtered list, in its sort order, streamed a chunk of rows at a time."""
    dealer = request.dealer_scope.dealer
    vehicles = request.dealer_scope.of_dealer(Vehicle.objects.all())
    filterset, queryset = filtered(request, VEHICLES, vehicles, dealer=dealer)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("Correct the filters before downloading."))
        return redirect(reverse("inventory:vehicle_list") + "?" + request.GET.urlencode())
    queryset = queryset.order_by(*VEHICLES.ordering(sort_of(request, VEHICLES)))
    filename = f"vehicles-{dealer.code}-{dealer.today().isoformat()}.csv"
    return StreamingHttpResponse(
        csv_lines(queryset, dealer),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


TIMELINE_FIELDS = ("status", "list_price", "odometer_km")
# The other facts history keeps, named on the timeline when they change; the left-stock day
# follows the status, which the timeline already shows.
HISTORY_OTHER_FIELDS = [
    field
    for field in Vehicle._meta.concrete_fields
    if field.name not in {*TIMELINE_FIELDS, "id", "created_at", "updated_at", "left_stock_on"}
    and field.name in {kept.name for kept in Vehicle.history.model._meta.concrete_fields}
]


# Change reasons the services write, shown in the reader's language.
HISTORY_REASONS = {services.LAPSED_REASON: gettext_lazy("Reservation lapsed")}


def history_records(vehicle):
    """The car's history, oldest first, with who made each change; one query."""
    return list(
        vehicle.history.select_related("history_user").order_by("history_date", "history_id")
    )


def reason_text(record) -> str:
    reason = record.history_change_reason or ""
    return str(HISTORY_REASONS.get(reason, reason))


def vehicle_timeline(vehicle, records=None):
    """Who changed status, price and odometer, and when, and why when they said; newest
    first. One query, none when given the `history_records`."""
    records = history_records(vehicle) if records is None else records
    statuses = dict(VehicleStatus.choices)
    labels = {name: Vehicle._meta.get_field(name).verbose_name for name in TIMELINE_FIELDS}

    def shown(name, value):
        if name == "status":
            return statuses.get(value, value)
        if name == "odometer_km":
            return f"{format_number(value)} km"
        return format_money(value, vehicle.dealer.base_currency)

    entries = []
    previous = None
    for record in records:
        changes, edited = [], []
        if previous is not None:
            for name in TIMELINE_FIELDS:
                old, new = getattr(previous, name), getattr(record, name)
                if old != new:
                    changes.append(
                        {"field": labels[name], "old": shown(name, old), "new": shown(name, new)}
                    )
            edited = [
                field.verbose_name
                for field in HISTORY_OTHER_FIELDS
                if getattr(previous, field.attname) != getattr(record, field.attname)
            ]
            if not changes and not edited:
                previous = record
                continue
        entries.append(
            {
                "kind": "received" if previous is None else "changed",
                "when": record.history_date,
                "who": record.history_user,
                "changes": changes,
                "edited": edited,
                "reason": reason_text(record),
                "status": shown("status", record.status),
                "odometer_km": record.odometer_km,
                "list_price": record.list_price,
            }
        )
        previous = record
    entries.reverse()
    return entries


def price_history(records):
    """Every list price the car had, newest first: when, who, from what, to what and why."""
    prices = []
    previous = None
    for record in records:
        if previous is None or record.list_price != previous.list_price:
            prices.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "old": previous.list_price if previous is not None else None,
                    "new": record.list_price,
                    "reason": reason_text(record) if previous is not None else "",
                }
            )
        previous = record
    prices.reverse()
    return prices


def candidate_summary(vehicle):
    """The candidate job's summary in words: markets with their warnings, documents needed by
    all, and the rest."""
    summary = vehicle.export_candidate_reasons
    if not vehicle.export_candidate or not isinstance(summary, dict):
        return None
    markets = vehicle.export_market_list
    return {
        "markets": markets,
        "only_doubtful": bool(markets) and all(market.doubtful for market in markets),
        "needs": [paper_label(doc) for doc in summary.get("needs", [])],
        "also": {
            country_name(market): [paper_label(doc) for doc in docs]
            for market, docs in summary.get("also", {}).items()
        },
    }


@staff_view("GET", "HEAD")
def detail(request, pk):
    vehicle = request.dealer_scope.get(
        Vehicle.objects.select_related(
            "dealer", "export_verdict", "floor_plan__line", "programme_enrolment__programme"
        ),
        pk=pk,
    )
    today = vehicle.dealer.today()
    days, bucket = days_and_bucket(vehicle, today, vehicle.dealer.buckets)
    money = holding.vehicle_holding(vehicle, today)
    inspections = list(vehicle.inspections.order_by("-inspected_on", "-id"))
    shipment_lines = list(
        vehicle.shipment_lines.select_related("shipment__destination").order_by("-added_at", "-id")
    )
    documents = list(vehicle.documents.select_related("added_by"))
    photos = list(vehicle.photos.order_by("position", "id"))
    reservations = list(
        vehicle.reservations.select_related("reserved_by", "ended_by").order_by(
            "-reserved_at", "-id"
        )
    )
    reservation = next((r for r in reservations if r.is_open), None)
    records = history_records(vehicle)
    return render(
        request,
        "inventory/vehicle_detail.html",
        {
            "vehicle": vehicle,
            "days_in_stock": days,
            "bucket": bucket,
            "timeline": vehicle_timeline(vehicle, records),
            "prices": price_history(records),
            "reprice_form": (
                RepriceForm(initial={"list_price": vehicle.list_price})
                if vehicle.is_on_hand
                else None
            ),
            "photos": photos,
            "photo_form": VehiclePhotoForm(),
            "reservation": reservation,
            "reservation_expired": bool(reservation and reservation.is_expired(today)),
            "past_reservations": [r for r in reservations if not r.is_open],
            "reservation_form": (
                ReservationForm(dealer=vehicle.dealer)
                if vehicle.status == VehicleStatus.IN_STOCK
                else None
            ),
            "inspections": inspections,
            "shipment_lines": shipment_lines,
            "status_moves": [
                (
                    status,
                    VehicleStatus(status).label,
                    CONFIRMED_MOVES[status](vehicle) if status in CONFIRMED_MOVES else None,
                )
                for status in sorted(services.MANUAL_STATUS_MOVES.get(vehicle.status, ()))
            ],
            "vin_warnings": [message_text(w) for w in vehicle.vin_check.warnings],
            "documents": documents,
            "document_form": VehicleDocumentForm(),
            "candidate": candidate_summary(vehicle),
            "money": money,
            "decision": export_or_hold(vehicle, money),
            "payments": list(money.floor_plan.payments.all()) if money.floor_plan else [],
            "floor_form": (
                VehicleFloorForm(vehicle=vehicle)
                if vehicle.is_on_hand and not money.floor_plan
                else None
            ),
            "payment_form": FloorPlanPaymentForm(initial={"paid_on": today}),
        },
    )


def export_or_hold(vehicle, money):
    """Both sides of the decision for a car still on hand; None once it has gone."""
    if vehicle.status not in holding.ON_HAND:
        return None
    dealer = vehicle.dealer
    return costs.export_or_hold(
        list_price=vehicle.list_price,
        discount_pct=dealer.export_discount_pct,
        staff_price=vehicle.export_price,
        export_costs=dealer.export_costs,
        payoff_now=money.payoff,
        hold_days=dealer.hold_days,
        markdown_pct=dealer.domestic_markdown_pct,
        carrying_cost=money.held_for(dealer.hold_days),
        programme_support=programme_support(vehicle, dealer.today()),
    )


def programme_support(vehicle, on):
    """The support the car's maker programme pays if it is exported on `on`; zero when the car
    is in none, or the programme does not run that day."""
    try:
        enrolment = vehicle.programme_enrolment
    except ProgrammeEnrolment.DoesNotExist:
        return ZERO
    return enrolment.support_on(on)


def _vehicle_form(request, vehicle, data=None):
    dealer = vehicle.dealer if vehicle else request.dealer_scope.dealer
    initial = None if vehicle else {"stocked_on": dealer.today()}
    form = VehicleForm(data, instance=vehicle, initial=initial, dealer=dealer, user=request.user)
    # A VIN the form refused is explained once, in the live check's place (see
    # _vin_duplicate.html); checking it again on load would say the same thing twice.
    refused_vin = form.is_bound and "vin" in form.errors
    form.fields["vin"].widget.attrs.update(
        {
            "hx-get": reverse("inventory:vin_check"),
            "hx-trigger": "input changed delay:300ms" + ("" if refused_vin else ", load"),
            "hx-target": "#vin-check",
            "hx-vals": json.dumps({"vehicle": vehicle.pk if vehicle else ""}),
            "hx-include": "[name='make']",
        }
    )
    return form


def _save_vehicle(request, vehicle):
    """Show the form, or save it through the services and go to the car's page."""
    form = _vehicle_form(request, vehicle, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            saved = form.save_through_services(by=request.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            if vehicle:
                messages.success(request, _("Vehicle %(vin)s saved.") % {"vin": saved.vin})
            else:
                messages.success(
                    request, _("Vehicle %(vin)s received into stock.") % {"vin": saved.vin}
                )
            for note in form.vin_notes():
                messages.info(request, note)
            for warning in form.vin_warnings(saved):
                messages.warning(request, warning)
            return redirect("inventory:vehicle_detail", pk=saved.pk)
    return render(
        request,
        "inventory/vehicle_form.html",
        {
            "form": form,
            "vehicle": vehicle,
            "dealer": vehicle.dealer if vehicle else request.dealer_scope.dealer,
        },
        status=422 if form.is_bound else 200,
    )


@staff_view("GET", "HEAD", "POST")
def receive(request):
    """Receive a vehicle into the current dealer's stock."""
    return _save_vehicle(request, None)


@staff_view("GET", "HEAD", "POST")
def edit(request, pk):
    vehicle = request.dealer_scope.get(Vehicle.objects.select_related("dealer"), pk=pk)
    return _save_vehicle(request, vehicle)


@staff_view("GET")
def check_vin(request):
    """The VIN field's live check: errors, warnings, what the VIN says (maker, country, model
    year) and any duplicate; a make typed in the form is compared with the VIN's maker.

    A duplicate at a dealer the user cannot see is named as such, never shown."""
    scope = request.dealer_scope
    scope.dealer  # noqa: B018 - a person with no dealer gets the page every staff URL gives
    raw = request.GET.get("vin", "")
    exclude = request.GET.get("vehicle") or None
    check = vin_check(raw)
    duplicate = None
    registered_elsewhere = False
    decoded = None
    warnings = list(check.warnings)
    if check.is_valid:
        decoded = vin_decode(check.vin, today=scope.dealer.today())
        warnings += vin_rules.decode_warnings(decoded, request.GET.get("make", "").strip())
        same_vin = Vehicle.objects.filter(vin=check.vin)
        if exclude and exclude.isdigit():
            same_vin = same_vin.exclude(pk=int(exclude))
        duplicate = scope.rows(same_vin).first()
        registered_elsewhere = duplicate is None and same_vin.exists()
    return render(
        request,
        "inventory/_vin_check.html",
        {
            "check": check,
            "typed": bool(raw.strip()),
            "errors": [message_text(m) for m in check.errors],
            "warnings": [message_text(m) for m in warnings],
            "decoded": decoded,
            "model_year": message_text(decoded.model_year_text)
            if decoded and decoded.model_year_text
            else "",
            "duplicate": duplicate,
            "registered_elsewhere": registered_elsewhere,
        },
    )


def sale_question(vehicle) -> Confirmation:
    return Confirmation(
        question=_("Mark %(vin)s as sold domestically?") % {"vin": vehicle.vin},
        detail=_(
            "The car leaves stock today: it is no longer counted on the lot, offered for "
            "export or put on a shipment."
        ),
        button=_("Mark sold"),
    )


# The manual moves that end the car's time in stock ask first.
CONFIRMED_MOVES = {VehicleStatus.SOLD_DOMESTIC: sale_question}


@staff_view("POST")
@once_per_form
def change_status(request, pk):
    vehicle = request.dealer_scope.get(Vehicle.objects.all(), pk=pk)
    to_status = request.POST.get("status", "")
    # A move the car cannot make is refused by the service at once, without a question first.
    if to_status in CONFIRMED_MOVES and to_status in services.MANUAL_STATUS_MOVES.get(
        vehicle.status, ()
    ):
        ask = unconfirmed(
            request, CONFIRMED_MOVES[to_status](vehicle), back=vehicle.get_absolute_url()
        )
        if ask:
            return ask
    if to_status not in VehicleStatus.values:
        messages.error(request, _("Choose a status."))
    else:
        with shown_refusal(request):
            services.vehicle_change_status(vehicle=vehicle, to_status=to_status, by=request.user)
            messages.success(
                request,
                _("Vehicle %(vin)s is now %(status)s.")
                % {"vin": vehicle.vin, "status": VehicleStatus(to_status).label.lower()},
            )
    return redirect("inventory:vehicle_detail", pk=vehicle.pk)


@staff_view("POST")
def switch_dealer(request):
    """Work for another of the user's dealers; an unknown or foreign dealer is a 404."""
    scope = request.dealer_scope
    dealer_id = request.POST.get("dealer", "")
    if not dealer_id.isdigit():
        raise Http404
    dealer = next((d for d in scope.dealers if d.pk == int(dealer_id)), None)
    if dealer is None:
        raise Http404
    scope.choose(dealer)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("inventory:vehicle_list")
    return HttpResponseRedirect(target)


@staff_view("POST")
@once_per_form
def document_add(request, pk):
    """File a document for a vehicle the user may see; errors are shown on the vehicle page."""
    vehicle = request.dealer_scope.get(Vehicle.objects.all(), pk=pk)
    form = VehicleDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        with shown_refusal(request, form):
            services.vehicle_document_add(vehicle=vehicle, by=request.user, **form.cleaned_data)
            messages.success(
                request,
                _(
                    "%(document)s filed. The export check shows it at once; the candidate list "
                    "follows at the next nightly run."
                )
                % {"document": VehicleDocument(kind=form.cleaned_data["kind"]).get_kind_display()},
            )
    else:
        form_errors(request, form)
    return redirect(reverse("inventory:vehicle_detail", args=[vehicle.pk]) + "#documents")


@staff_view("POST")
def document_remove(request, pk, document_pk):
    document = request.dealer_scope.get(
        VehicleDocument.objects.all(), pk=document_pk, vehicle_id=pk
    )
    services.vehicle_document_remove(document=document, by=request.user)
    messages.success(request, _("Document removed."))
    return redirect(reverse("inventory:vehicle_detail", args=[pk]) + "#documents")


@staff_view("GET")
def document_scan(request, pk, document_pk):
    """The scan of a filed paper, to people who may see the vehicle."""
    document = request.dealer_scope.get(
        VehicleDocument.objects.exclude(scan=""), pk=document_pk, vehicle_id=pk
    )
    return uploads.file_response(document.scan)
