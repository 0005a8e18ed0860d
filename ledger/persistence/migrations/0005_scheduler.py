from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from ledger.domain.jobs import JobRunStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('ledger', '0004_draws')]

    initial = False

    operations = [
        ops.CreateModel(
            name='JobRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('job', fields.CharField(max_length=40)),
                ('scope', fields.CharField(max_length=40)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', null=True, db_constraint=True, to_field='id', related_name='job_runs', on_delete=OnDelete.RESTRICT)),
                ('scheduled_for', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('instance', fields.CharField(max_length=120)),
                ('status', fields.CharEnumField(description='RUNNING: RUNNING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED\nSKIPPED: SKIPPED', enum_type=JobRunStatus, max_length=16)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lease_expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('counts', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'job_runs', 'app': 'ledger', 'unique_together': (('job', 'scope', 'scheduled_for'),), 'indexes': [Index(fields=['job', 'status']), Index(fields=['tenant_id', 'started_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Reward',
            name='attention_reason',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Reward',
            name='next_sync_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Reward',
            name='sync_attempts',
            field=fields.IntField(default=0),
        ),
    ]
