"""The world manufacturer identifiers DealerHub ships with, and the loader that applies them."""

import json
from pathlib import Path

WMI_CODES_FILE = Path(__file__).with_name("wmi_codes.json")
WMI_FIELDS = ("maker", "country", "source", "source_url", "confidence", "note")


def load_wmi_codes(code_model, path=WMI_CODES_FILE):
    """Add the shipped codes that are missing; a code already in the table is left alone.

    Platform operators correct makers in the admin, and loading again must not undo that.
    Takes the model class so that migrations can pass their historical model.
    Returns (codes created, codes kept).
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created_count = kept_count = 0
    for row in data["codes"]:
        _, created = code_model.objects.get_or_create(
            wmi=row["wmi"], defaults={name: row.get(name, "") for name in WMI_FIELDS}
        )
        created_count += created
        kept_count += not created
    return created_count, kept_count
