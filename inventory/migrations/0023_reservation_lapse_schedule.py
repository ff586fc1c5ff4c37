from django.db import migrations

TASK = "inventory.tasks.lapse_reservations"
NAME = "Lapse expired reservations (hourly)"


def schedule(apps, schema_editor):
    """Every hour, at five past, so each dealer's midnight is caught within the hour whatever
    its time zone; managers change it in the admin (Periodic tasks)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(task=TASK).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="5",
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
        description="A reserved car whose last held day has passed goes back into stock.",
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0022_vehicle_photos_and_reservations"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
