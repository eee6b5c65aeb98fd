# Free-text length limits (README「セキュリティ」) and history change reasons stored as text.

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('smrj_plan', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalquarterlock',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicalquarterlock',
            name='reason',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000, message='締め・締め解除の理由は2,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='理由'),
        ),
        migrations.AlterField(
            model_name='quarterlock',
            name='reason',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000, message='締め・締め解除の理由は2,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='理由'),
        ),
    ]
