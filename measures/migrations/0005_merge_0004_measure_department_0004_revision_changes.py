# Joins the two measures branches: departments per measure and the revision changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('measures', '0004_measure_department'),
        ('measures', '0004_revision_changes'),
    ]

    operations = [
    ]
