"""三会一课 defaults: 支部党员大会 quarterly, 支委会 and 党小组会 monthly, 党课 quarterly."""

from django.db import migrations

RULES = [
    ("general_meeting", "quarter"),
    ("committee_meeting", "month"),
    ("group_meeting", "month"),
    ("lesson", "quarter"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("party", "ComplianceRule")
    for kind, every in RULES:
        Rule.objects.update_or_create(kind=kind, defaults={"every": every})


def unseed(apps, schema_editor):
    apps.get_model("party", "ComplianceRule").objects.filter(
        kind__in=[k for k, _ in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("party", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
