from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from ledger.domain.jobs import JobRunStatus
from ledger.domain.reconciliation import DiscrepancyKind, DiscrepancyResolution, DiscrepancyStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('ledger', '0007_reward_resolutions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ReconciliationRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='reconciliation_runs', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=40)),
                ('date', fields.DateField()),
                ('status', fields.CharEnumField(description='RUNNING: RUNNING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED\nSKIPPED: SKIPPED', enum_type=JobRunStatus, max_length=16)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('asset', fields.CharField(default='CNY', max_length=80)),
                ('matched_count', fields.BigIntField(default=0)),
                ('matched_amount', fields.BigIntField(default=0)),
                ('discrepancy_count', fields.BigIntField(default=0)),
                ('counts', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('note', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'reconciliation_runs', 'app': 'ledger', 'indexes': [Index(fields=['tenant_id', 'provider', 'date'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Discrepancy',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='discrepancies', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=40)),
                ('date', fields.DateField()),
                ('reference', fields.CharField(max_length=128)),
                ('kind', fields.CharEnumField(description='MISSING_IN_LEDGER: MISSING_IN_LEDGER\nMISSING_AT_PROVIDER: MISSING_AT_PROVIDER\nAMOUNT_MISMATCH: AMOUNT_MISMATCH\nSTATUS_MISMATCH: STATUS_MISMATCH', enum_type=DiscrepancyKind, max_length=24)),
                ('status', fields.CharEnumField(description='OPEN: OPEN\nRESOLVED: RESOLVED', enum_type=DiscrepancyStatus, max_length=12)),
                ('reward', fields.ForeignKeyField('ledger.Reward', source_field='reward_id', null=True, db_constraint=True, to_field='id', related_name='discrepancies', on_delete=OnDelete.RESTRICT)),
                ('asset', fields.CharField(max_length=80)),
                ('ledger_amount', fields.BigIntField(null=True)),
                ('provider_amount', fields.BigIntField(null=True)),
                ('ledger_status', fields.CharField(null=True, max_length=32)),
                ('provider_status', fields.CharField(null=True, max_length=64)),
                ('provider_outcome', fields.CharField(null=True, max_length=32)),
                ('evidence', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('found_by', fields.ForeignKeyField('ledger.ReconciliationRun', source_field='found_by_id', db_constraint=True, to_field='id', related_name='found', on_delete=OnDelete.RESTRICT)),
                ('last_seen_by', fields.ForeignKeyField('ledger.ReconciliationRun', source_field='last_seen_by_id', db_constraint=True, to_field='id', related_name='seen', on_delete=OnDelete.RESTRICT)),
                ('resolution', fields.CharEnumField(null=True, description='ACCEPT_PROVIDER: ACCEPT_PROVIDER\nACCEPT_LEDGER: ACCEPT_LEDGER\nWRITE_OFF: WRITE_OFF', enum_type=DiscrepancyResolution, max_length=16)),
                ('note', fields.TextField(null=True, unique=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_by', fields.CharField(null=True, max_length=64)),
                ('api_key', fields.ForeignKeyField('ledger.ApiKey', source_field='api_key_id', null=True, db_constraint=True, to_field='id', related_name='discrepancy_resolutions', on_delete=OnDelete.RESTRICT)),
                ('transfer', fields.ForeignKeyField('ledger.Transfer', source_field='transfer_id', null=True, db_constraint=True, to_field='id', related_name='discrepancies', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'discrepancies', 'app': 'ledger', 'unique_together': (('tenant', 'provider', 'reference', 'kind'),), 'indexes': [Index(fields=['tenant_id', 'status']), Index(fields=['tenant_id', 'provider', 'date'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReconciledReward',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='reconciled_rewards', on_delete=OnDelete.RESTRICT)),
                ('reward', fields.ForeignKeyField('ledger.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='reconciled', on_delete=OnDelete.RESTRICT)),
                ('day', fields.DateField()),
                ('run', fields.ForeignKeyField('ledger.ReconciliationRun', source_field='run_id', db_constraint=True, to_field='id', related_name='marks', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'reconciled_rewards', 'app': 'ledger', 'unique_together': (('tenant', 'reward'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
