"""On PostgreSQL built with lz4, results' breakdowns are compressed with lz4 instead of pglz.

A scoring run writes every subject's breakdown (about 1.7 KiB of JSON each); pglz spent as
long compressing them as PostgreSQL spent parsing them (bench/evaluation.py: COPY of 10,000
rows 0.66 s with pglz, 0.35 s with lz4). Nothing else changes: the column stays jsonb, and
rows already stored keep their compression until rewritten.
"""

from django.db import migrations

TABLE = "evaluation_result"


def _lz4_available(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _set(method: str):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor == "postgresql" and _lz4_available(connection):
            schema_editor.execute(
                f"ALTER TABLE {TABLE} ALTER COLUMN breakdown SET COMPRESSION {method}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0006_scored_scheme")]

    operations = [migrations.RunPython(_set("lz4"), _set("pglz"))]
