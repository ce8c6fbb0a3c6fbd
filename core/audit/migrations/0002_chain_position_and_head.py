from django.db import migrations, models


class Migration(migrations.Migration):
    """Give each entry its position in the chain, and keep the chain's head in its own row.

    `seq` starts nullable: 0003 numbers the entries already written, 0004 makes it required.
    """

    dependencies = [
        ("audit", "0001_audit_entry"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, verbose_name="position"),
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(default=0, verbose_name="position")),
                (
                    "hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000",
                        max_length=64,
                    ),
                ),
                ("entry_id", models.BigIntegerField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(blank=True, null=True, verbose_name="updated at")),
            ],
            options={
                "verbose_name": "audit chain head",
                "verbose_name_plural": "audit chain head",
            },
        ),
    ]
