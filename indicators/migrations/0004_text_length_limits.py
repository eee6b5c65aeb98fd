# Free-text length limits (README「セキュリティ」) and history change reasons stored as text.

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0003_quarterlock_moved'),
    ]

    operations = [
        migrations.AlterField(
            model_name='actual',
            name='evidence',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000, message='根拠資料は2,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='根拠資料（メモ・リンク）'),
        ),
        migrations.AlterField(
            model_name='actual',
            name='note',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000, message='備考は2,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='備考'),
        ),
        migrations.AlterField(
            model_name='actual',
            name='review_comment',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000, message='差戻し・再開の理由は2,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='差戻し・再開の理由'),
        ),
        migrations.AlterField(
            model_name='finalrating',
            name='reason',
            field=models.TextField(max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000, message='評定の理由は2,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='理由'),
        ),
        migrations.AlterField(
            model_name='historicalactual',
            name='evidence',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000, message='根拠資料は2,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='根拠資料（メモ・リンク）'),
        ),
        migrations.AlterField(
            model_name='historicalactual',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicalactual',
            name='note',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000, message='備考は2,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='備考'),
        ),
        migrations.AlterField(
            model_name='historicalactual',
            name='review_comment',
            field=models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000, message='差戻し・再開の理由は2,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='差戻し・再開の理由'),
        ),
        migrations.AlterField(
            model_name='historicalfinalrating',
            name='history_change_reason',
            field=models.TextField(null=True),
        ),
        migrations.AlterField(
            model_name='historicalfinalrating',
            name='reason',
            field=models.TextField(max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000, message='評定の理由は2,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='理由'),
        ),
        migrations.AlterField(
            model_name='indicator',
            name='note',
            field=models.TextField(blank=True, max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000, message='注記は5,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='注記'),
        ),
        migrations.AlterField(
            model_name='indicator',
            name='text',
            field=models.TextField(max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000, message='計画の記載（原文）は5,000文字以内で入力してください（入力は%(show_value)s文字です）。')], verbose_name='計画の記載（原文）'),
        ),
    ]
