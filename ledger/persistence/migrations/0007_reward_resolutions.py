from tortoise import migrations
from tortoise.migrations import operations as ops
from ledger.persistence.resolution_models import Resolution
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('ledger', '0006_provider_session_issuer')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RewardResolution',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='reward_resolutions', on_delete=OnDelete.RESTRICT)),
                ('reward', fields.ForeignKeyField('ledger.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='resolutions', on_delete=OnDelete.RESTRICT)),
                ('resolution', fields.CharEnumField(description='PAY: PAY\nVOID: VOID', enum_type=Resolution, max_length=8)),
                ('amount', fields.BigIntField(null=True)),
                ('note', fields.TextField(unique=False)),
                ('api_key', fields.ForeignKeyField('ledger.ApiKey', source_field='api_key_id', null=True, db_constraint=True, to_field='id', related_name='reward_resolutions', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reward_resolutions', 'app': 'ledger', 'unique_together': (('tenant', 'reward'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
