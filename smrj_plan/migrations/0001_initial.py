# QuarterLock moved from indicators to the shared workflow; its tables keep their names.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('measures', '0002_role_groups'),
        # The tables were created by indicators; this migration only takes the model over (no SQL).
        ('indicators', '0002_actual_as_of'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
        migrations.CreateModel(
            name='HistoricalQuarterLock',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('quarter', models.PositiveSmallIntegerField(choices=[(1, '第1四半期（4–6月）'), (2, '第2四半期（7–9月）'), (3, '第3四半期（10–12月）'), (4, '第4四半期（1–3月）')], verbose_name='四半期')),
                ('is_locked', models.BooleanField(default=True, verbose_name='締め済み')),
                ('reason', models.TextField(blank=True, verbose_name='理由')),
                ('changed_at', models.DateTimeField(blank=True, editable=False, verbose_name='操作日時')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('changed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作者')),
                ('fiscal_year', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='measures.fiscalyear', verbose_name='年度')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '四半期締めの履歴',
                'verbose_name_plural': 'historical 四半期の締め',
                'db_table': 'indicators_historicalquarterlock',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='QuarterLock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('quarter', models.PositiveSmallIntegerField(choices=[(1, '第1四半期（4–6月）'), (2, '第2四半期（7–9月）'), (3, '第3四半期（10–12月）'), (4, '第4四半期（1–3月）')], verbose_name='四半期')),
                ('is_locked', models.BooleanField(default=True, verbose_name='締め済み')),
                ('reason', models.TextField(blank=True, verbose_name='理由')),
                ('changed_at', models.DateTimeField(auto_now=True, verbose_name='操作日時')),
                ('changed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作者')),
                ('fiscal_year', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='quarter_locks', to='measures.fiscalyear', verbose_name='年度')),
            ],
            options={
                'verbose_name': '四半期の締め',
                'verbose_name_plural': '四半期の締め',
                'db_table': 'indicators_quarterlock',
                'ordering': ['fiscal_year', 'quarter'],
                'constraints': [models.UniqueConstraint(fields=('fiscal_year', 'quarter'), name='unique_quarter_lock'), models.CheckConstraint(condition=models.Q(('quarter__gte', 1), ('quarter__lte', 4)), name='quarter_lock_quarter_range')],
            },
        ),
                ],
            database_operations=[],
        ),
    ]
