from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from ledger.domain.statuses import AccountKind, RewardKind, RewardStatus, TransferState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Tenant',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('last_event_sequence', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tenants', 'app': 'ledger', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='accounts', on_delete=OnDelete.RESTRICT)),
                ('asset', fields.CharField(max_length=80)),
                ('kind', fields.CharEnumField(description='FUNDING: FUNDING\nCAMPAIGN_BUDGET: CAMPAIGN_BUDGET\nMEMBER_WALLET: MEMBER_WALLET\nPROVIDER_CLEARING: PROVIDER_CLEARING\nSTATION_CASH: STATION_CASH\nWRITE_OFF: WRITE_OFF', enum_type=AccountKind, max_length=32)),
                ('owner_key', fields.CharField(null=True, max_length=128)),
                ('member_id', fields.CharField(null=True, max_length=64)),
                ('debits_must_not_exceed_credits', fields.BooleanField(default=False)),
                ('debits_posted', fields.BigIntField(default=0)),
                ('credits_posted', fields.BigIntField(default=0)),
                ('debits_pending', fields.BigIntField(default=0)),
                ('credits_pending', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'accounts', 'app': 'ledger', 'unique_together': (('tenant', 'kind', 'asset', 'owner_key'),), 'indexes': [Index(fields=['tenant_id', 'member_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiKey',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='api_keys', on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharField(max_length=16)),
                ('key_hash', fields.CharField(unique=True, max_length=64)),
                ('prefix', fields.CharField(max_length=16)),
                ('label', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_keys', 'app': 'ledger', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='campaigns', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=200)),
                ('asset', fields.CharField(max_length=80)),
                ('budget_account', fields.OneToOneField('ledger.Account', source_field='budget_account_id', db_constraint=True, to_field='id', related_name='campaign', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'campaigns', 'app': 'ledger', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='idempotency_records', on_delete=OnDelete.RESTRICT)),
                ('key', fields.CharField(max_length=255)),
                ('operation', fields.CharField(max_length=64)),
                ('request_hash', fields.CharField(max_length=64)),
                ('result', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'idempotency_records', 'app': 'ledger', 'unique_together': (('tenant', 'key'),), 'pk_attr': 'id', 'table_description': 'What a write with a key produced, so the same key returns the same result, even after a restart.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberToken',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='member_tokens', on_delete=OnDelete.RESTRICT)),
                ('member_id', fields.CharField(max_length=64)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_tokens', 'app': 'ledger', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Reward',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='rewards', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='GRANT: GRANT\nDRAW: DRAW\nCOUPON: COUPON\nRED_PACKET: RED_PACKET\nLOTTERY_TICKET: LOTTERY_TICKET', enum_type=RewardKind, max_length=32)),
                ('status', fields.CharEnumField(description='REQUESTED: REQUESTED\nPENDING: PENDING\nISSUED: ISSUED\nCLAIMED: CLAIMED\nFAILED: FAILED\nNOT_WON: NOT_WON\nEXPIRED: EXPIRED\nREFUNDED: REFUNDED\nVOIDED: VOIDED\nUNKNOWN: UNKNOWN\nNEEDS_ATTENTION: NEEDS_ATTENTION', enum_type=RewardStatus, max_length=32)),
                ('provider', fields.CharField(null=True, max_length=40)),
                ('campaign', fields.ForeignKeyField('ledger.Campaign', source_field='campaign_id', null=True, db_constraint=True, to_field='id', related_name='rewards', on_delete=OnDelete.RESTRICT)),
                ('member_id', fields.CharField(max_length=64)),
                ('asset', fields.CharField(max_length=80)),
                ('amount', fields.BigIntField()),
                ('provider_refs', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'rewards', 'app': 'ledger', 'indexes': [Index(fields=['tenant_id', 'member_id']), Index(fields=['tenant_id', 'status']), Index(fields=['tenant_id', 'campaign_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Transfer',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='transfers', on_delete=OnDelete.RESTRICT)),
                ('debit_account', fields.ForeignKeyField('ledger.Account', source_field='debit_account_id', db_constraint=True, to_field='id', related_name='debit_transfers', on_delete=OnDelete.RESTRICT)),
                ('credit_account', fields.ForeignKeyField('ledger.Account', source_field='credit_account_id', db_constraint=True, to_field='id', related_name='credit_transfers', on_delete=OnDelete.RESTRICT)),
                ('asset', fields.CharField(max_length=80)),
                ('amount', fields.BigIntField()),
                ('state', fields.CharEnumField(description='PENDING: PENDING\nPOSTED: POSTED\nVOIDED: VOIDED', enum_type=TransferState, max_length=16)),
                ('posted_amount', fields.BigIntField(null=True)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reverses', fields.ForeignKeyField('ledger.Transfer', source_field='reverses_id', null=True, unique=True, db_constraint=True, to_field='id', related_name='reversals', on_delete=OnDelete.RESTRICT)),
                ('reward', fields.ForeignKeyField('ledger.Reward', source_field='reward_id', null=True, db_constraint=True, to_field='id', related_name='transfers', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'transfers', 'app': 'ledger', 'indexes': [Index(fields=['tenant_id', 'state', 'expires_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('sequence', fields.BigIntField()),
                ('type', fields.CharField(max_length=64)),
                ('reward', fields.ForeignKeyField('ledger.Reward', source_field='reward_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('transfer', fields.ForeignKeyField('ledger.Transfer', source_field='transfer_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('campaign_id', fields.BigIntField(null=True)),
                ('member_id', fields.CharField(null=True, max_length=64)),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'events', 'app': 'ledger', 'unique_together': (('tenant', 'sequence'),), 'indexes': [Index(fields=['tenant_id', 'member_id', 'sequence'])], 'pk_attr': 'id', 'table_description': 'Append-only. `sequence` is gap-free per tenant: clients resume a feed with `after: <sequence>`.'},
            bases=['Model'],
        ),
    ]
