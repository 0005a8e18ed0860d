from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from ledger.persistence.risk_models import LotteryBlockKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('ledger', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LotteryBlock',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='lottery_blocks', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='MEMBER: MEMBER\nIP: IP', enum_type=LotteryBlockKind, max_length=16)),
                ('value', fields.CharField(max_length=64)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'lottery_blocks', 'app': 'ledger', 'unique_together': (('tenant', 'kind', 'value'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LotteryRiskRules',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', unique=True, db_constraint=True, to_field='id', related_name='lottery_risk_rules', on_delete=OnDelete.RESTRICT)),
                ('enabled', fields.BooleanField(default=True)),
                ('require_real_name', fields.BooleanField(default=True)),
                ('max_ticket_prize_fen', fields.BigIntField(null=True, default=1000000)),
                ('max_tickets_per_day', fields.IntField(null=True, default=20)),
                ('max_amount_per_day_fen', fields.BigIntField(null=True, default=1000000)),
                ('max_failures_per_day', fields.IntField(null=True, default=10)),
                ('suspension_hours', fields.IntField(null=True, default=24)),
                ('suspensions_before_blocklist', fields.IntField(null=True, default=3)),
                ('min_interval_seconds', fields.IntField(null=True, default=15)),
                ('service_hours', fields.CharField(null=True, default='01:00-23:00', max_length=11)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'lottery_risk_rules', 'app': 'ledger', 'pk_attr': 'id', 'table_description': 'One row per tenant. A tenant without a row has the defaults.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberLotteryDay',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='member_lottery_days', on_delete=OnDelete.RESTRICT)),
                ('member_id', fields.CharField(max_length=64)),
                ('day', fields.DateField()),
                ('tickets', fields.IntField(default=0)),
                ('amount_fen', fields.BigIntField(default=0)),
                ('failures', fields.IntField(default=0)),
                ('last_request_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'member_lottery_days', 'app': 'ledger', 'unique_together': (('tenant', 'member_id', 'day'),), 'pk_attr': 'id', 'table_description': "A member's counters for one Beijing day. Its row lock is what serialises that member's admissions."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberSuspension',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='member_suspensions', on_delete=OnDelete.RESTRICT)),
                ('member_id', fields.CharField(max_length=64)),
                ('until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_suspensions', 'app': 'ledger', 'indexes': [Index(fields=['tenant_id', 'member_id', 'until'])], 'pk_attr': 'id', 'table_description': "Kept after it ends: the number of a member's suspensions decides the blocklist."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberVerification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='member_verifications', on_delete=OnDelete.RESTRICT)),
                ('member_id', fields.CharField(max_length=64)),
                ('real_name_verified', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'member_verifications', 'app': 'ledger', 'unique_together': (('tenant', 'member_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProviderConfig',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='provider_configs', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=40)),
                ('settings', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'provider_configs', 'app': 'ledger', 'unique_together': (('tenant', 'provider'),), 'pk_attr': 'id', 'table_description': "A tenant's settings for one provider (base URL, credentials, stations, options), as JSON."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProviderSession',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='provider_sessions', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=40)),
                ('station_id', fields.CharField(max_length=64)),
                ('token', fields.CharField(max_length=512)),
                ('obtained_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'provider_sessions', 'app': 'ledger', 'unique_together': (('tenant', 'provider', 'station_id'),), 'pk_attr': 'id', 'table_description': 'A login session shared by every instance: the gateway allows one session per station, so two'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RiskRefusalCount',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='risk_refusal_counts', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=64)),
                ('day', fields.DateField()),
                ('count', fields.BigIntField(default=0)),
            ],
            options={'table': 'risk_refusal_counts', 'app': 'ledger', 'unique_together': (('tenant', 'code', 'day'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StationLease',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='station_leases', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=40)),
                ('station_id', fields.CharField(max_length=64)),
                ('holder', fields.CharField(null=True, max_length=64)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'station_leases', 'app': 'ledger', 'unique_together': (('tenant', 'provider', 'station_id'),), 'pk_attr': 'id', 'table_description': 'At most one call in flight per station, across instances: whoever holds an unexpired lease calls.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketLock',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='ticket_locks', on_delete=OnDelete.RESTRICT)),
                ('bar_code', fields.CharField(max_length=64)),
                ('reward', fields.ForeignKeyField('ledger.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='ticket_locks', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'ticket_locks', 'app': 'ledger', 'unique_together': (('tenant', 'bar_code'),), 'pk_attr': 'id', 'table_description': 'One redemption per ticket at a time: held while a redemption is in flight or UNKNOWN, kept for good'},
            bases=['Model'],
        ),
    ]
