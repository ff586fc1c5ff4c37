"""Destination markets and their import and export rules, kept as data."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.translation import market_name
from exports import rules
from inventory.models import message_text


class DestinationMarket(models.Model):
    """A country vehicles are exported to, or (CN) the origin whose export rules always apply."""

    country_code = models.CharField(_("country code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=80)
    is_origin = models.BooleanField(
        _("origin side"), default=False, help_text=_("Its rules apply to every export.")
    )
    is_active = models.BooleanField(_("open for export"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-is_origin", "name"]
        verbose_name = _("destination market")
        verbose_name_plural = _("destination markets")
        constraints = [
            models.CheckConstraint(
                condition=Q(country_code__regex=r"^[A-Z]{2}$"),
                name="market_country_code_iso2",
                violation_error_message=_("Use the two-letter ISO country code, e.g. KZ."),
            )
        ]

    def __str__(self):
        return f"{self.display_name} ({self.country_code})"

    @property
    def display_name(self):
        """The name in the reader's language (Kazakhstan, 哈萨克斯坦)."""
        return market_name(self.country_code, self.name)


class Severity(models.TextChoices):
    BLOCK = "block", _("Block")
    WARN = "warn", _("Warn")
    INFO = "info", _("Info")


class Confidence(models.TextChoices):
    HIGH = "H", _("High")
    MEDIUM = "M", _("Medium")
    LOW = "L", _("Low")


class AppliesTo(models.TextChoices):
    ALL = "all", _("All vehicles")
    NEW = "new", _("New vehicles")
    USED = "used", _("Used vehicles")
    EV = "ev", _("Electric vehicles")
    INDIVIDUAL = "individual", _("Individual importers")
    COMMERCIAL = "commercial", _("Commercial importers")


class MarketRuleQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(
            Q(is_active=True),
            Q(effective_from__isnull=True) | Q(effective_from__lte=on),
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        )


class MarketRule(models.Model):
    """One import or export rule of a market, kept as data with the source it was read from."""

    market = models.ForeignKey(
        DestinationMarket, on_delete=models.PROTECT, related_name="rules", verbose_name=_("market")
    )
    rule_code = models.CharField(_("rule code"), max_length=64)
    applies_to = models.JSONField(
        _("applies to"),
        default=list,
        help_text=_("Any of: all, new, used, ev, individual, commercial."),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    severity = models.CharField(_("severity"), max_length=5, choices=Severity.choices)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    source_url = models.URLField(_("source"), max_length=500)
    confidence = models.CharField(_("confidence"), max_length=1, choices=Confidence.choices)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = MarketRuleQuerySet.as_manager()

    class Meta:
        ordering = ["market", "rule_code"]
        verbose_name = _("market rule")
        verbose_name_plural = _("market rules")
        constraints = [
            models.UniqueConstraint(
                fields=["market", "rule_code", "effective_from"],
                name="market_rule_unique_per_start",
                violation_error_message=_("This market already has this rule from that date."),
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="market_rule_period_in_order",
                violation_error_message=_("A rule cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.market.country_code} {self.rule_code}"

    def clean(self):
        allowed = set(AppliesTo.values)
        if not isinstance(self.applies_to, list) or not self.applies_to:
            raise ValidationError({"applies_to": _('List at least one group, e.g. ["used"].')})
        unknown = [v for v in self.applies_to if v not in allowed]
        if unknown:
            raise ValidationError(
                {
                    "applies_to": _("Unknown groups: %(groups)s. Use: %(allowed)s.")
                    % {
                        "groups": ", ".join(map(str, unknown)),
                        "allowed": ", ".join(sorted(allowed)),
                    }
                }
            )
        if self.rule_code not in rules.RULES:
            raise ValidationError(
                {
                    "rule_code": _("%(code)s is not a rule code DealerHub knows. Known: %(codes)s.")
                    % {"code": self.rule_code, "codes": ", ".join(sorted(rules.RULES))}
                }
            )
        problems = rules.parameter_problems(self.rule_code, self.params)
        if problems:
            raise ValidationError({"params": [message_text(problem) for problem in problems]})

    @property
    def parameter_problems(self):
        return [message_text(p) for p in rules.parameter_problems(self.rule_code, self.params)]
