from django.db import migrations, models

CHOICES = [("inbox", "Inbox only"), ("email", "Email at once"), ("digest", "Daily digest email")]
# Each old email switch and the categories it covered (pair messages went by "requests").
SWITCHES = {
    "email_requests": ("notify_requests", "notify_messages"),
    "email_reminders": ("notify_reminders",),
    "email_reports": ("notify_reports",),
}


def keep_choices(apps, schema_editor):
    """A switch that was off becomes "inbox only"; on stays "email" (the new fields' default)."""
    Person = apps.get_model("accounts", "Person")
    for switch, fields in SWITCHES.items():
        Person.objects.filter(**{switch: False}).update(**{field: "inbox" for field in fields})


def back_to_switches(apps, schema_editor):
    """Reversed: anything but "inbox only" (email, digest) turns the old switch on."""
    Person = apps.get_model("accounts", "Person")
    for switch, fields in SWITCHES.items():
        Person.objects.filter(**{fields[0]: "inbox"}).update(**{switch: False})


class Migration(migrations.Migration):
    """The three email switches become one choice per category (accounts/preferences.py):
    inbox only, email at once, or the daily digest; people keep what they chose."""

    dependencies = [
        ("accounts", "0012_outbox_attachments"),
    ]

    operations = [
        *[migrations.AddField(
            model_name="person", name=name,
            field=models.CharField(choices=CHOICES, default="email", max_length=10))
          for name in ("notify_requests", "notify_reminders", "notify_messages", "notify_reports")],
        migrations.RunPython(keep_choices, back_to_switches),
        migrations.RemoveField(model_name="person", name="email_reminders"),
        migrations.RemoveField(model_name="person", name="email_reports"),
        migrations.RemoveField(model_name="person", name="email_requests"),
        *[migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q((f"{name}__in", ["inbox", "email", "digest"])),
                name=f"person_{name}_known"))
          for name in ("notify_requests", "notify_reminders", "notify_messages", "notify_reports")],
    ]
