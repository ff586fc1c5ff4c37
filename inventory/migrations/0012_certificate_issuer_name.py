"""Certificates name their issuer by the full name frozen at issue, never by the login."""

from django.db import migrations, models


def name_the_issuers_of_earlier_certificates(apps, schema_editor):
    """Freeze today's full name of who issued each earlier report. Their hashes (content
    layouts 1 and 2) do not cover the name, so they stay verifiable; an issuer with no full name
    leaves it blank and the certificate shows none rather than a login."""
    InspectionReport = apps.get_model("inventory", "InspectionReport")
    issued = InspectionReport.objects.filter(issued_by__isnull=False, issued_by_name="")
    for report in issued.select_related("issued_by").iterator():
        user = report.issued_by
        name = f"{user.first_name} {user.last_name}".strip()
        if name:
            InspectionReport.objects.filter(pk=report.pk).update(issued_by_name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0011_job_run_abandoned"),
    ]

    operations = [
        migrations.AddField(
            model_name="inspectionreport",
            name="issued_by_name",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text=(
                    "The full name of the person who issued the report, as it read then; the "
                    "certificate shows it, never the login."
                ),
                max_length=301,
                verbose_name="issuer's name",
            ),
        ),
        migrations.AlterField(
            model_name="inspectionreport",
            name="content_version",
            field=models.PositiveSmallIntegerField(
                default=3, editable=False, verbose_name="content layout"
            ),
        ),
        migrations.RunPython(
            name_the_issuers_of_earlier_certificates, migrations.RunPython.noop, elidable=True
        ),
    ]
