"""The temporary plate's expiry is derived from the transfer and the compulsory insurance's end
(domain rule C5); a typed expiry shorter than the 60 days can only have come from the
insurance, so it is kept as the insurance's end."""

from datetime import timedelta

from django.db import migrations, models


def keep_typed_expiry_as_insurance_end(apps, schema_editor):
    ShipmentLine = apps.get_model("exports", "ShipmentLine")
    lines = ShipmentLine.objects.filter(temp_plate_expires_on__isnull=False)
    for line in lines.iterator():
        full_term = line.transferred_on and line.transferred_on + timedelta(days=60)
        if full_term is None or line.temp_plate_expires_on < full_term:
            line.insurance_ends_on = line.temp_plate_expires_on
            line.save(update_fields=["insurance_ends_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0007_protect_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="shipmentline",
            name="insurance_ends_on",
            field=models.DateField(
                blank=True,
                help_text="The temporary plates are valid no longer than the compulsory insurance.",
                null=True,
                verbose_name="compulsory insurance ends on",
            ),
        ),
        migrations.RunPython(keep_typed_expiry_as_insurance_end, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="shipmentline",
            name="temp_plate_expires_on",
        ),
    ]
