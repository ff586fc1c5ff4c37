"""Vehicle identification number (ISO 3779) checks, in plain Python with no Django import.

A VIN has 17 characters from the ISO 3779 alphabet (no I, O or Q). Position 9 is a check digit
that North American (1-5, 7) and Chinese (L, H) manufacturers must use; elsewhere it is optional,
so a mismatch there is only a warning. Position 10 is the model-year code, which never uses
I, O, Q, U, Z or 0 and repeats every 30 years.
"""

from dataclasses import dataclass, field

from .messages import Message, gettext_noop

VIN_LENGTH = 17
ALPHABET = frozenset("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
TRANSLITERATION = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Regions whose rules make the check digit mandatory: China and North America.
CHECK_DIGIT_REQUIRED_PREFIXES = frozenset("LH12345" + "7")
LOOKALIKES = {"I": "1", "O": "0", "Q": "0"}
REGIONS = (
    ("ABC", gettext_noop("Africa")),
    ("JKLMNPR", gettext_noop("Asia")),
    ("STUVWXYZ", gettext_noop("Europe")),
    ("123457", gettext_noop("North America")),
    ("6", gettext_noop("Oceania")),
    ("89", gettext_noop("South America")),
)
# China's VINs follow GB/T 16736-1997 (content and structure, now GB 16735): none was made
# before 1997, so the older cycle of a year code is no reading of a Chinese VIN before then.
CHINA_VIN_SINCE = 1997
NORTH_AMERICA_PREFIXES = frozenset("123457")
COUNTRY_BY_PREFIX = {
    "L": gettext_noop("China"),
    "H": gettext_noop("China"),
    "J": gettext_noop("Japan"),
    "K": gettext_noop("South Korea"),
}


@dataclass(frozen=True)
class VinCheck:
    """What we know about one VIN: the normalised text, errors that refuse it, warnings."""

    vin: str
    errors: tuple[Message, ...] = ()
    warnings: tuple[Message, ...] = ()
    model_years: tuple[int, ...] = field(default=())

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def wmi(self) -> str:
        return self.vin[:3]

    @property
    def region(self) -> str:
        return region_of(self.vin)


def normalise(raw: str) -> str:
    """Upper-case the input and drop spaces and dashes that people type or scanners add."""
    return "".join(ch for ch in (raw or "").upper() if ch not in " -\t\r\n")


def transliterate(ch: str) -> int:
    return TRANSLITERATION[ch]


def check_digit(vin: str) -> str:
    """The check digit (0-9 or X) a 17-character VIN should carry in position 9."""
    total = sum(transliterate(ch) * weight for ch, weight in zip(vin, WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def model_years(code: str, latest: int = 2039) -> tuple[int, ...]:
    """Candidate model years for a position-10 code, newest first, no later than `latest`."""
    index = YEAR_CODES.find(code)
    if index < 0 or not code:
        return ()
    years = []
    year = 1980 + index
    while year <= latest:
        years.append(year)
        year += 30
    return tuple(reversed(years))


def region_of(vin: str) -> str:
    first = vin[:1]
    for prefixes, name in REGIONS:
        if first and first in prefixes:
            return name
    return gettext_noop("unknown")


def check_digit_required(vin: str) -> bool:
    return vin[:1] in CHECK_DIGIT_REQUIRED_PREFIXES


def validate(raw: str, *, latest_model_year: int = 2039) -> VinCheck:
    """Check a VIN as typed; return the normalised VIN with every problem in plain words."""
    vin = normalise(raw)
    if not vin:
        return VinCheck(vin, errors=(Message(gettext_noop("Enter the 17-character VIN.")),))

    bad = sorted({ch for ch in vin if ch not in ALPHABET})
    errors: list[Message] = []
    lookalikes = tuple(
        Message(gettext_noop("%(char)s (did you mean %(meant)s?)"), char=ch, meant=LOOKALIKES[ch])
        for ch in bad
        if ch in LOOKALIKES
    )
    others = tuple(repr(ch) for ch in bad if ch not in LOOKALIKES)
    if lookalikes:
        errors.append(
            Message(
                gettext_noop("VINs never use the letters I, O or Q: %(hints)s."), hints=lookalikes
            )
        )
    if others:
        errors.append(
            Message(gettext_noop("Characters not allowed in a VIN: %(chars)s."), chars=others)
        )
    if len(vin) != VIN_LENGTH:
        errors.append(
            Message(
                gettext_noop("A VIN has 17 characters; this one has %(count)s."), count=len(vin)
            )
        )
    if errors:
        return VinCheck(vin, errors=tuple(errors))

    warnings: list[Message] = []
    strict = check_digit_required(vin)
    year_code = vin[9]
    years = model_years(year_code, latest=latest_model_year)
    if not years:
        message = Message(
            gettext_noop(
                "Position 10 is the model-year code and cannot be %(code)s "
                "(I, O, Q, U, Z and 0 are never used)."
            ),
            code=repr(year_code),
        )
        (errors if strict else warnings).append(message)

    expected = check_digit(vin)
    if vin[8] != expected:
        if strict:
            errors.append(
                Message(
                    gettext_noop(
                        "Check digit (position 9) should be %(expected)s, not %(found)s. "
                        "Compare the VIN with the registration certificate."
                    ),
                    expected=expected,
                    found=vin[8],
                )
            )
        else:
            warnings.append(
                Message(
                    gettext_noop(
                        "Check digit (position 9) should be %(expected)s, not %(found)s. "
                        "Manufacturers outside China and North America (%(region)s here) may "
                        "skip the check digit, so this is only a warning."
                    ),
                    expected=expected,
                    found=vin[8],
                    region=Message(region_of(vin)),
                )
            )
    return VinCheck(vin, errors=tuple(errors), warnings=tuple(warnings), model_years=years)


def with_check_digit(vin17: str) -> str:
    """Return the VIN with position 9 replaced by its correct check digit (for making VINs)."""
    vin = normalise(vin17)
    return vin[:8] + check_digit(vin[:8] + "0" + vin[9:]) + vin[9:]


@dataclass(frozen=True)
class Maker:
    """A WMI table row as the decoder needs it."""

    name: str
    country: str = ""


@dataclass(frozen=True)
class Decoded:
    """What a VIN tells about its car. `make` and `country` are empty for an unknown WMI;
    `model_years` are the position-10 candidates, the likeliest first."""

    make: str
    country: str
    model_years: tuple[int, ...]
    region: str
    wmi: str = ""

    @property
    def known_maker(self) -> bool:
        return bool(self.make)

    @property
    def model_year(self) -> int | None:
        return self.model_years[0] if self.model_years else None

    @property
    def other_model_years(self) -> tuple[int, ...]:
        """The other readings of the year code that the VIN leaves open; () when the year is
        not in doubt (see `possible_model_years`)."""
        return self.model_years[1:]

    @property
    def model_year_text(self) -> Message | None:
        """The decoded year as a reader should take it: "2025", or "2025 (or 1995)" only when
        the VIN leaves the other reading open."""
        if not self.model_years:
            return None
        year = str(self.model_years[0])
        if not self.other_model_years:
            return Message(year)
        return Message(
            gettext_noop("%(year)s (or %(others)s)"),
            year=year,
            others=" / ".join(map(str, self.other_model_years)),
        )


def likely_model_years(code: str, this_year: int) -> tuple[int, ...]:
    """Position-10 candidates, the likeliest first: the newest one not in the future (a car
    sold this year may carry next year's model year), then the older cycles."""
    return model_years(code, latest=this_year + 1)


def possible_model_years(vin: str, years: tuple[int, ...]) -> tuple[int, ...]:
    """The candidate years a VIN does not rule out, the likeliest first.

    The year code repeats every 30 years, but the rest of the VIN often settles it: in North
    America position 7 is a letter from 2010 on and a digit before (49 CFR 565.15, passenger
    cars and light trucks), and a Chinese VIN (L, H) is never older than China's VIN standard.
    A candidate is dropped only when another one remains.
    """
    kept = years
    if vin[:1] in NORTH_AMERICA_PREFIXES and len(vin) == VIN_LENGTH:
        from_2010 = vin[6].isalpha()
        kept = tuple(year for year in years if (year >= 2010) == from_2010)
    elif vin[:1] in COUNTRY_BY_PREFIX and COUNTRY_BY_PREFIX[vin[:1]] == "China":
        kept = tuple(year for year in years if year >= CHINA_VIN_SINCE)
    return kept or years


def decode(vin: str, wmi_table, *, this_year: int) -> Decoded:
    """Maker and country from `wmi_table` (WMI -> Maker), model year and region from the VIN.

    The table is advisory: a WMI it does not hold decodes to an empty make and country.
    """
    vin = normalise(vin)
    maker = wmi_table.get(vin[:3]) if len(vin) >= 3 else None
    years = likely_model_years(vin[9], this_year) if len(vin) == VIN_LENGTH else ()
    years = possible_model_years(vin, years)
    country = maker.country if maker and maker.country else ""
    return Decoded(
        make=maker.name if maker else "",
        country=country or COUNTRY_BY_PREFIX.get(vin[:1], ""),
        model_years=years,
        region=region_of(vin),
        wmi=vin[:3],
    )


def _words(text: str) -> str:
    """Lower-case words with punctuation dropped, padded by spaces for whole-word matching."""
    cleaned = "".join(ch if ch.isalnum() else " " for ch in (text or "").casefold())
    return " " + " ".join(cleaned.split()) + " "


def same_maker(typed: str, listed: str) -> bool:
    """Whether a typed make names the listed maker: "BYD" is "BYD Auto", "Haval" is
    "Great Wall (Haval)", whole words either way round, case and punctuation aside."""
    typed_words, listed_words = _words(typed), _words(listed)
    if not typed_words.strip() or not listed_words.strip():
        return True
    return typed_words in listed_words or listed_words in typed_words


def decode_warnings(decoded: Decoded, typed_make: str = "") -> tuple[Message, ...]:
    """Advisory notes on a decoded VIN: a maker the table does not know, or a typed make that
    differs from the maker the WMI is listed for. Never a reason to refuse the car."""
    if not decoded.wmi or len(decoded.wmi) < 3:
        return ()
    if not decoded.known_maker:
        return (
            Message(
                gettext_noop(
                    "Unknown maker: %(wmi)s is not in the manufacturer code table, so the make "
                    "was not checked."
                ),
                wmi=decoded.wmi,
            ),
        )
    if typed_make and not same_maker(typed_make, decoded.make):
        return (
            Message(
                gettext_noop(
                    "The make is %(typed)s but the VIN's maker code %(wmi)s is listed for "
                    "%(listed)s; check the VIN and the make."
                ),
                typed=typed_make,
                wmi=decoded.wmi,
                listed=decoded.make,
            ),
        )
    return ()
