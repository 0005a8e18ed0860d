from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('ledger', '0005_scheduler')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ProviderSession',
            name='issuer',
            field=fields.CharField(default='', max_length=500),
        ),
    ]
