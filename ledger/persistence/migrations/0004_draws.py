from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('ledger', '0003_coupons_and_red_packets')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DrawStage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='draw_stages', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=40)),
                ('reference', fields.CharField(max_length=128)),
                ('stage', fields.CharField(max_length=40)),
                ('reward', fields.ForeignKeyField('ledger.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='draw_stages', on_delete=OnDelete.RESTRICT)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'draw_stages', 'app': 'ledger', 'unique_together': (('tenant', 'provider', 'reference', 'stage'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProviderReference',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='provider_references', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=40)),
                ('reference', fields.CharField(max_length=128)),
                ('reward', fields.ForeignKeyField('ledger.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='provider_references', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'provider_references', 'app': 'ledger', 'unique_together': (('tenant', 'provider', 'reference'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookNonce',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='webhook_nonces', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=40)),
                ('nonce', fields.CharField(max_length=128)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'webhook_nonces', 'app': 'ledger', 'unique_together': (('tenant', 'provider', 'nonce'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
