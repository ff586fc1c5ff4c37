"""Checking a dealer's stock file before anything is written: its headers matched to the
vehicle facts, every row judged by the vehicle form, and what each row would do."""

import copy
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from .. import vin as vin_rules
from ..models import FloorPlanLine, Powertrain, Vehicle, VehicleStatus, VinDecoder
from .vehicles import VehicleForm

# The columns a stock file has, in the template's order; the first five must be there.
COLUMNS = [
    "vin",
    "make",
    "model",
    "model_year",
    "powertrain",
    "stock_number",
    "trim",
    "colour",
    "odometer_km",
    "stocked_on",
    "registered_on",
    "acquisition_cost",
    "list_price",
    "status",
    "floor_plan_line",
    "floored_amount",
]
REQUIRED = {"vin", "make", "model", "model_year", "powertrain", "acquisition_cost", "list_price"}
# What a re-upload of a car already in stock may change.
UPDATED = ("list_price", "odometer_km", "status")
STATUSES = (VehicleStatus.IN_STOCK, VehicleStatus.RESERVED, VehicleStatus.SOLD_DOMESTIC)
LANGUAGES = ("en", "zh-hans")

# Other names people give these columns, besides the form's labels in every language.
SYNONYMS = {
    "vin": ["vin number", "chassis number", "车架号", "vin码", "车辆识别代号"],
    "stock_number": ["stock no", "stock no.", "stock #", "stock", "库存号", "库存编号"],
    "make": ["brand", "manufacturer", "品牌", "厂牌"],
    "model": ["车型"],
    "trim": ["version", "配置", "版本"],
    "model_year": ["year", "my", "年份", "年款"],
    "powertrain": ["drive", "动力", "动力类型"],
    "colour": ["color", "colour", "颜色", "车身颜色"],
    "odometer_km": ["odometer", "mileage", "km", "里程", "公里数", "表显里程"],
    "stocked_on": ["stocked", "入库日期", "入库"],
    "registered_on": ["first registered on", "registered", "registration date", "上牌日期"],
    "acquisition_cost": ["cost", "purchase price", "采购成本", "进价"],
    "list_price": ["price", "售价", "标价"],
    "status": ["状态"],
    "floor_plan_line": ["floor plan line", "floorplan line", "floor plan", "融资额度"],
    "floored_amount": ["floored", "floor plan amount", "融资金额"],
}


def _key(text) -> str:
    return "".join(str(text).split()).casefold()


def column_label(name) -> str:
    """A column's name in the active language, as the template writes it."""
    if name == "status":
        return _upper_first(Vehicle._meta.get_field("status").verbose_name)
    if name == "floor_plan_line":
        return _("Floor-plan line")
    if name == "floored_amount":
        return _("Floored amount")
    return _upper_first(IntakeVehicleForm.base_fields[name].label or name)


def _upper_first(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def _header_names() -> dict[str, str]:
    names = {}
    for language in LANGUAGES:
        with translation.override(language):
            for name in COLUMNS:
                names[_key(column_label(name))] = name
    for name, synonyms in SYNONYMS.items():
        for synonym in synonyms:
            names.setdefault(_key(synonym), name)
    return names


def match_headers(headers) -> dict[int, str]:
    """The column each header cell names; an unknown, repeated or missing one is refused."""
    known = _header_names()
    found, problems = {}, []
    for index, header in enumerate(headers):
        if not header:
            continue
        name = known.get(_key(header))
        if name is None:
            problems.append(_("The column “%(header)s” is not one we know.") % {"header": header})
        elif name in found.values():
            problems.append(_("The column “%(header)s” appears twice.") % {"header": header})
        else:
            found[index] = name
    for name in COLUMNS:
        if name in REQUIRED and name not in found.values():
            problems.append(
                _("The column “%(header)s” is missing.") % {"header": column_label(name)}
            )
    if problems:
        raise ValidationError(problems)
    return found


class PreparedFields(dict):
    """A form's fields, prepared once for all the rows of a file: each row's form uses them
    as they are instead of a deep copy of its own. Safe because the rows are judged one after
    the other and a form's `__init__` sets the same on every row; it spares a file of 50,000
    rows 50,000 copies of twenty fields."""

    def __deepcopy__(self, memo):
        return self

    @classmethod
    def of(cls, form_class):
        """A copy of `form_class`'s fields with their labels and help texts in the active
        language: a form reads them on every row, and a lazy text is translated each time."""
        fields = cls(copy.deepcopy(form_class.base_fields))
        for formfield in fields.values():
            formfield.label = None if formfield.label is None else str(formfield.label)
            formfield.help_text = str(formfield.help_text)
        return fields


class IntakeVehicleForm(VehicleForm):
    """The vehicle form for one row of a stock file: the same checks as a single car, with
    the VINs and stock numbers of the whole file looked up once instead of once a row.

    `prepared` (see `PreparedFields`) is given by a caller that judges many rows."""

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[(status.value, status.label) for status in STATUSES],
    )

    class Meta(VehicleForm.Meta):
        fields = [name for name in COLUMNS if name in VehicleForm.Meta.fields]

    def __init__(self, *args, taken=None, stock_numbers=None, prepared=None, **kwargs):
        if prepared is not None:
            self.base_fields = prepared
        super().__init__(*args, **kwargs)
        self.taken = taken or {}
        self.stock_numbers = stock_numbers or {}
        # A row without the day is stocked today, as a single car is.
        self.fields["stocked_on"].required = False
        self.fields["odometer_km"].required = False

    def clean_vin(self):
        vin = vin_rules.normalise(self.cleaned_data["vin"])
        holder = self.taken.get(vin)
        if holder is not None and holder != self.instance.pk:
            raise ValidationError(
                _("A vehicle with this VIN is already registered."), code="duplicate_vin"
            )
        return vin

    def clean_stock_number(self):
        number = self.cleaned_data.get("stock_number") or ""
        holder = self.stock_numbers.get(number)
        if number and holder is not None and holder != self.instance.pk:
            raise ValidationError(
                _("This stock number is already used at this dealer."),
                code="duplicate_stock_number",
            )
        return number

    def clean_status(self):
        return self.cleaned_data.get("status") or ""

    def validate_unique(self):
        """The VIN and stock number are unique: checked above against the lookups made once
        for the file's rows (`taken`, `stock_numbers`), not with a query a row."""


def _choice_codes(choices) -> dict[str, str]:
    """Each choice by its code and by its label in every language, as `_key` reads them."""
    codes = {}
    for language in LANGUAGES:
        with translation.override(language):
            for choice in choices:
                codes[_key(choice.value)] = choice.value
                codes[_key(choice.label)] = choice.value
    return codes


def _coded(text, codes):
    """A cell as its choice's code; what no choice names is left for the form to refuse."""
    if not text:
        return text
    return codes.get(_key(text), text)


@dataclass
class RowPlan:
    """What one row of the file would do: receive a car, change one, nothing, or an error."""

    number: int
    vin: str
    action: str = "new"  # new, update, same, error
    facts: dict = field(default_factory=dict)
    vehicle_id: int | None = None
    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    line_id: int | None = None
    floored_amount: str | None = None


def _shown(name, value) -> str:
    if name == "status":
        return str(VehicleStatus(value).label)
    return _json(value)


def _json(value):
    return None if value is None else str(value)


VIN_TWICE = gettext_noop("The VIN is also on row %(row)s.")
NUMBER_TWICE = gettext_noop("The stock number is also on row %(row)s.")


class IntakeCheck:
    """Judges the rows of one stock file for a dealer, a chunk at a time, remembering what
    the earlier rows held (each VIN and stock number once a file). Nothing is written.

    The header is matched when it is made (a `ValidationError` naming the columns)."""

    def __init__(self, headers, *, dealer, user):
        self.columns = match_headers(headers)
        self.dealer = dealer
        self.user = user
        self.powertrains = _choice_codes(Powertrain)
        self.statuses = _choice_codes(STATUSES)
        self.lines = {_key(line.name): line for line in FloorPlanLine.objects.filter(dealer=dealer)}
        self.decode_vin = VinDecoder()
        # One set for new cars, one for cars in stock: the form makes make and model year
        # optional (read from the VIN) only for a new car.
        self.prepared = {new: PreparedFields.of(IntakeVehicleForm) for new in (True, False)}
        self.first_row: dict[str, int] = {}
        self.stock_number_row: dict[str, int] = {}

    def record(self, values) -> dict:
        """One row's cells by column name, with choices read as their codes."""
        columns = self.columns.items()
        record = {name: values[index] for index, name in columns if index < len(values)}
        record["powertrain"] = _coded(record.get("powertrain"), self.powertrains)
        record["status"] = _coded(record.get("status"), self.statuses)
        return record

    def judge(self, rows) -> list[RowPlan]:
        """What each of `rows` ((number, cells), in the file's order) would do."""
        records = [(number, self.record(values)) for number, values in rows]
        vins = {vin_rules.normalise(record.get("vin") or "") for _n, record in records}
        numbers = {record.get("stock_number") for _n, record in records} - {None, ""}
        # The one unscoped read: whether a VIN is taken anywhere, only ever said as yes or no.
        holders = dict(Vehicle.objects.filter(vin__in=vins).values_list("vin", "dealer_id"))
        ours = {v.vin: v for v in self.dealer.vehicles.filter(vin__in=vins).order_by()}
        taken = {vin: (ours[vin].pk if vin in ours else 0) for vin in holders}
        stock_numbers = dict(
            self.dealer.vehicles.filter(stock_number__in=numbers).values_list("stock_number", "pk")
        )
        plans = []
        for number, record in records:
            vin = vin_rules.normalise(record.get("vin") or "")
            plan = RowPlan(number=number, vin=vin)
            plans.append(plan)
            self._once(plan, "vin", vin, self.first_row, VIN_TWICE)
            stock_number = record.get("stock_number")
            self._once(plan, "stock_number", stock_number, self.stock_number_row, NUMBER_TWICE)
            existing = ours.get(vin)
            _judge(
                plan,
                record,
                existing=existing,
                dealer=self.dealer,
                user=self.user,
                form_options={
                    "taken": taken,
                    "stock_numbers": stock_numbers,
                    "decode_vin": self.decode_vin,
                    "prepared": self.prepared[existing is None],
                },
            )
            if existing is None and not plan.errors:
                _judge_floor(plan, record, self.lines)
            if plan.errors:
                plan.action = "error"
        return plans

    def _once(self, plan, column, value, seen, message):
        if not value:
            return
        if value in seen:
            plan.errors.append((column_label(column), _(message) % {"row": seen[value]}))
        else:
            seen[value] = plan.number


def _judge(plan, record, *, existing, dealer, user, form_options):
    data = {name: value or "" for name, value in record.items()}
    if existing is not None:
        # A car in stock: only price, odometer and status may change; the rest keeps what
        # is recorded, so a file with fewer columns changes nothing else.
        original = {name: getattr(existing, name) for name in UPDATED}
        data = {
            **{
                name: Vehicle._meta.get_field(name).value_from_object(existing)
                for name in IntakeVehicleForm.Meta.fields
            },
            **{name: data[name] for name in UPDATED if data.get(name)},
        }
        data.setdefault("status", original["status"])
        # A lower reading is shown as a change like any other; importing is the confirmation
        # the single-car form asks a tick for.
        data["confirm_odometer_decrease"] = "on"
        form = IntakeVehicleForm(data, instance=existing, dealer=dealer, user=user, **form_options)
    else:
        form = IntakeVehicleForm(data, dealer=dealer, user=user, **form_options)
    if not form.is_valid():
        for name, errors in form.errors.items():
            column = column_label(name) if name in COLUMNS else ""
            plan.errors.extend((column, error) for error in errors)
        return
    cleaned = form.cleaned_data
    moved = cleaned.get("status") and cleaned["status"] != getattr(existing, "status", None)
    if moved and cleaned["status"] == VehicleStatus.RESERVED:
        plan.errors.append(
            (
                column_label("status"),
                _(
                    "A reservation records the customer, the deposit and the last day the car "
                    "is held; reserve the car from its page."
                ),
            )
        )
        return
    if existing is None:
        plan.facts = {
            name: _json(value)
            for name, value in cleaned.items()
            if name not in {"confirm_odometer_decrease", "status"}
        }
        if cleaned.get("status"):
            plan.facts["status"] = cleaned["status"]
        return
    plan.vehicle_id = existing.pk
    if moved and existing.status not in STATUSES:
        plan.errors.append(
            (column_label("status"), _("This car's status moves with its shipment."))
        )
        return
    for name in UPDATED:
        new = cleaned.get(name)
        if name == "status" and not new:
            continue
        if new != original[name]:
            plan.facts[name] = _json(new)
            plan.changes.append(
                (column_label(name), _shown(name, original[name]), _shown(name, new))
            )
    plan.action = "update" if plan.changes else "same"


def _judge_floor(plan, record, lines):
    name = record.get("floor_plan_line")
    amount = record.get("floored_amount")
    if not name:
        if amount:
            plan.errors.append(
                (column_label("floor_plan_line"), _("Name the line the amount is floored on."))
            )
        return
    line = lines.get(_key(name))
    if line is None or not line.is_active:
        plan.errors.append(
            (
                column_label("floor_plan_line"),
                _("“%(line)s” is not one of this dealer's open floor-plan lines.") % {"line": name},
            )
        )
        return
    plan.line_id = line.pk
    if amount:
        try:
            value = forms.DecimalField(min_value=0, decimal_places=2).clean(amount)
        except ValidationError as exc:
            plan.errors.extend((column_label("floored_amount"), m) for m in exc.messages)
            return
        plan.floored_amount = str(value)
