from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('ledger', '0009_console')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Event',
            name='sequence',
            field=fields.BigIntField(null=True),
        ),
        # SQLite makes the column nullable by copying the table, and the copy has lost the table's indexes: made
        # again here (PostgreSQL altered the column in place and still has them).
        ops.RunSQL([
            "CREATE UNIQUE INDEX IF NOT EXISTS uid_events_tenant__34cfa5 ON events (tenant_id, sequence)",
            "CREATE INDEX IF NOT EXISTS idx_events_tenant__792092 ON events (tenant_id, member_id, sequence)",
            "CREATE INDEX IF NOT EXISTS idx_events_tenant__b8572a ON events (tenant_id, reward_id, sequence)",
        ]),
        # What the sequencer numbers next, found without reading the numbered events (ledger/event_sequencer.py).
        ops.RunSQL("CREATE INDEX events_unnumbered ON events (tenant_id, id) WHERE sequence IS NULL",
                   reverse_sql="DROP INDEX events_unnumbered"),
    ]
