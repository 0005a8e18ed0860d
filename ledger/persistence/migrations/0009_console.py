from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('ledger', '0008_reconciliation')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProviderLastCall',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='provider_last_calls', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=40)),
                ('operation', fields.CharField(max_length=64)),
                ('outcome', fields.CharField(max_length=24)),
                ('code', fields.CharField(null=True, max_length=64)),
                ('message', fields.CharField(null=True, max_length=300)),
                ('called_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'provider_last_calls', 'app': 'ledger', 'unique_together': (('tenant', 'provider'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddIndex(
            model_name='Event',
            index=Index(fields=['tenant_id', 'reward_id', 'sequence']),
        ),
    ]
