"""The names of the countries DealerHub trades with, by ISO code, for the catalogue; no Django
import, so the pure modules can name a country too."""


def gettext_noop(text: str) -> str:
    return text


# The origin and the seeded destination markets (exports/data/market_rules.json), and the
# countries a VIN's maker code names. Django ships no country names; these are translated in
# the project's catalogue.
COUNTRY_NAMES = {
    "CN": gettext_noop("China"),
    "RU": gettext_noop("Russia"),
    "KZ": gettext_noop("Kazakhstan"),
    "KG": gettext_noop("Kyrgyzstan"),
    "UZ": gettext_noop("Uzbekistan"),
    "JO": gettext_noop("Jordan"),
    "SA": gettext_noop("Saudi Arabia"),
    "AE": gettext_noop("United Arab Emirates"),
    "OM": gettext_noop("Oman"),
    "EG": gettext_noop("Egypt"),
    "KE": gettext_noop("Kenya"),
    "NG": gettext_noop("Nigeria"),
    "PK": gettext_noop("Pakistan"),
    "AU": gettext_noop("Australia"),
    "CL": gettext_noop("Chile"),
    "JP": gettext_noop("Japan"),
    "KR": gettext_noop("South Korea"),
    "GB": gettext_noop("United Kingdom"),
    "TH": gettext_noop("Thailand"),
    "SG": gettext_noop("Singapore"),
    "ZA": gettext_noop("South Africa"),
}
