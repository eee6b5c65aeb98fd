# QuarterLock moved to smrj_plan.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0002_actual_as_of'),
        ('smrj_plan', '0001_initial'),
    ]

    operations = [
        # State only: the tables now belong to smrj_plan.QuarterLock (same names).
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.RemoveField(
            model_name='quarterlock',
            name='changed_by',
        ),
        migrations.RemoveField(
            model_name='quarterlock',
            name='fiscal_year',
        ),
        migrations.DeleteModel(
            name='HistoricalQuarterLock',
        ),
        migrations.DeleteModel(
            name='QuarterLock',
        ),
                ],
            database_operations=[],
        ),
    ]
