"""The breakdown column is compressed with lz4 where PostgreSQL offers it (migration 0007)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_breakdowns_are_compressed_with_lz4_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL column setting")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        (available,) = cursor.fetchone()
        cursor.execute(
            "SELECT attcompression FROM pg_attribute"
            " WHERE attrelid = 'evaluation_result'::regclass AND attname = 'breakdown'"
        )
        (method,) = cursor.fetchone()
    assert method == ("l" if available else "")
