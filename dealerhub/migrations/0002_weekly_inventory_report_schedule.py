from django.db import migrations

TASK = "dealerhub.tasks.send_weekly_inventory_reports"
NAME = "Weekly inventory reports (Monday 07:00, dealer's time)"


def schedule(apps, schema_editor):
    """Every 15 minutes; the task sends each dealer's report once its local Monday 07:00 passed.

    Dealers sit in different time zones, so one fixed crontab cannot hit each one's 07:00;
    the frequent check also catches up on a week missed while beat was down.
    """
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(task=TASK).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="*/15",
        hour="*",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.create(
        name=NAME,
        task=TASK,
        crontab=crontab,
        kwargs="{}",
        description=(
            "E-mails each dealer's managers the weekly inventory report with its workbook, "
            "once per dealer and week."
        ),
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dealerhub", "0001_inventory_reports"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
