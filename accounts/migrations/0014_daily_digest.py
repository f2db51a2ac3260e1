import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """The daily digest: inbox entries waiting for it, and one Digest row per person and day."""

    dependencies = [
        ("accounts", "0013_notification_settings_per_kind"),
    ]

    operations = [
        migrations.CreateModel(
            name="Digest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("day", models.DateField()),
                ("items", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("outbox", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                    related_name="+", to="accounts.outboxmessage")),
                ("recipient", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="digests",
                    to="accounts.person")),
            ],
            options={"ordering": ["-day", "-id"]},
        ),
        migrations.AddConstraint(
            model_name="digest",
            constraint=models.UniqueConstraint(fields=("recipient", "day"),
                                               name="one_digest_per_person_and_day"),
        ),
        migrations.AddField(
            model_name="notification",
            name="digest_due",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="notification",
            name="digest",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                related_name="notifications", to="accounts.digest"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(condition=models.Q(("digest_due", True)), fields=["recipient", "id"],
                               name="notification_digest_due"),
        ),
    ]
