"""Issue 19: an issued statement's documents are rendered by a task after issue, with their status, progress,
attempts and error on the statement. Statements issued before this (documents stored at issue) are done."""

from django.db import migrations, models


def mark_stored_documents_done(apps, schema_editor):
    statement = apps.get_model("chargebacks", "ChargebackStatement")
    statement.objects.exclude(state="draft").exclude(pdf_sha256="").update(
        documents_status="done", documents_progress=100, documents_attempts=1
    )


class Migration(migrations.Migration):

    dependencies = [
        ('chargebacks', '0002_line_charged_once'),
    ]

    operations = [
        migrations.AddField(
            model_name='chargebackstatement',
            name='documents_attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='document render attempts'),
        ),
        migrations.AddField(
            model_name='chargebackstatement',
            name='documents_error',
            field=models.TextField(blank=True, verbose_name='documents error'),
        ),
        migrations.AddField(
            model_name='chargebackstatement',
            name='documents_progress',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='documents progress (%)'),
        ),
        migrations.AddField(
            model_name='chargebackstatement',
            name='documents_rendered_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='documents rendered at'),
        ),
        migrations.AddField(
            model_name='chargebackstatement',
            name='documents_status',
            field=models.CharField(blank=True, choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], help_text='Blank on a draft; queued, running, done or failed once the statement is issued.', max_length=10, verbose_name='documents'),
        ),
        migrations.AddConstraint(
            model_name='chargebackstatement',
            constraint=models.CheckConstraint(condition=models.Q(('documents_progress__lte', 100)), name='statement_documents_percent'),
        ),
        migrations.RunPython(mark_stored_documents_done, migrations.RunPython.noop),
    ]
