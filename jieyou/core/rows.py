"""Writing a new row together with a row that points at it, in one statement.

The hottest write of the platform (a concern and its submission event) would otherwise cost
four round trips to PostgreSQL: BEGIN, two INSERTs, COMMIT. On PostgreSQL the two inserts
are one statement (a data-modifying WITH), atomic by itself; elsewhere they are two saves in
a transaction. Values go through each field's own `pre_save` and `get_db_prep_save`, as a
`save()` would send them. No signals are sent: nothing listens to these models.
"""

from django.db import connection, transaction


def _row(obj, *, without: str = ""):
    fields = [
        field
        for field in obj._meta.concrete_fields
        if not (field.primary_key and getattr(obj, field.attname) is None)
        and field.attname != without
    ]
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    return fields, values


def _saved(obj, pk) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias


def insert_with_child(parent, child, link: str) -> None:
    """Insert `parent`, then `child`, whose foreign key `link` points at it; both get their ids."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            parent.save(force_insert=True)
            setattr(child, link, parent)
            child.save(force_insert=True)
        return
    name = connection.ops.quote_name
    fk = child._meta.get_field(link)
    parent_fields, parent_values = _row(parent)
    child_fields, child_values = _row(child, without=fk.attname)
    parent_pk = name(parent._meta.pk.column)
    child_pk = name(child._meta.pk.column)
    sql = (
        f"WITH p AS (INSERT INTO {name(parent._meta.db_table)}"
        f" ({', '.join(name(f.column) for f in parent_fields)})"
        f" VALUES ({', '.join(['%s'] * len(parent_fields))}) RETURNING {parent_pk})"
        f" INSERT INTO {name(child._meta.db_table)}"
        f" ({name(fk.column)}, {', '.join(name(f.column) for f in child_fields)})"
        f" SELECT p.{parent_pk}, {', '.join(['%s'] * len(child_fields))} FROM p"
        f" RETURNING {name(fk.column)}, {child_pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*parent_values, *child_values])
        parent_id, child_id = cursor.fetchone()
    _saved(parent, parent_id)
    setattr(child, link, parent)
    _saved(child, child_id)
