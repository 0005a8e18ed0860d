from tortoise import migrations
from tortoise.migrations import operations as ops
from ledger.persistence.red_packet_models import RedPacketType
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('ledger', '0002_providers_and_risk')]

    initial = False

    operations = [
        ops.CreateModel(
            name='IssuedCoupon',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='issued_coupons', on_delete=OnDelete.RESTRICT)),
                ('reward', fields.ForeignKeyField('ledger.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='coupons', on_delete=OnDelete.RESTRICT)),
                ('provider', fields.CharField(max_length=40)),
                ('coupon_template_id', fields.CharField(max_length=64)),
                ('member_id', fields.CharField(null=True, max_length=64)),
                ('coupon_no', fields.CharField(null=True, max_length=128)),
                ('qr_code_context', fields.CharField(null=True, max_length=1024)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'issued_coupons', 'app': 'ledger', 'indexes': [Index(fields=['tenant_id', 'member_id']), Index(fields=['tenant_id', 'coupon_template_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RedPacketActivity',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant', fields.ForeignKeyField('ledger.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name='red_packet_activities', on_delete=OnDelete.RESTRICT)),
                ('cash_redpack_id', fields.BigIntField()),
                ('campaign', fields.ForeignKeyField('ledger.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='red_packet_activities', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(default='', max_length=200)),
                ('type', fields.CharEnumField(description='FIXED: FIXED\nRANDOM: RANDOM', enum_type=RedPacketType, max_length=16)),
                ('min_fen', fields.BigIntField()),
                ('max_fen', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'red_packet_activities', 'app': 'ledger', 'unique_together': (('tenant', 'cash_redpack_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
