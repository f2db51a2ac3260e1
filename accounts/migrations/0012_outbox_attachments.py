from django.db import migrations, models


class Migration(migrations.Migration):
    """Files sent with an outbox email (a meeting's .ics), written with the row."""

    dependencies = [
        ("accounts", "0011_import_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="attachments",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
