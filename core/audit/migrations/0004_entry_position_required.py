from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_number_existing_entries"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(unique=True, verbose_name="position"),
        ),
    ]
