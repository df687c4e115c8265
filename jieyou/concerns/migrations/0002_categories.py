"""The seeded taxonomy of concerns; the county admin edits it afterwards."""

from django.db import migrations

# code, name, default level, response hours, resolution hours, counted in working days
CATEGORIES = [
    ("MD", "矛盾纠纷", "community", 24, 7 * 24, False),
    ("WJ", "违法建设", "county", 24, 10, True),
    ("ZY", "占用公共空间", "community", 24, 5, True),
    ("HJ", "环境卫生", "grid", 12, 72, False),
    ("WY", "物业管理", "community", 24, 5, True),
    ("SD", "水电气暖", "community", 4, 48, False),
    ("YL", "养老助残", "community", 24, 5, True),
    ("BM", "便民服务", "grid", 24, 72, False),
    ("ZC", "政策咨询", "grid", 24, 3, True),
    ("AQ", "安全隐患", "community", 2, 24, False),
    ("QY", "企业诉求", "town", 24, 10, True),
    ("QT", "其他", "community", 24, 7 * 24, False),
]


def seed(apps, schema_editor):
    Category = apps.get_model("concerns", "Category")
    for code, name, level, response, resolution, working in CATEGORIES:
        # Working-day categories give their resolution deadline in days.
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "default_level": level,
                "response_hours": response,
                "resolution_hours": resolution * 24 if working else resolution,
                "working_days": working,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("concerns", "Category").objects.filter(
        code__in=[c[0] for c in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
