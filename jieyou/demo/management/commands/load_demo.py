import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jieyou.demo import county
from jieyou.demo.load import load, sign_ins

KINDS = (
    ("areas", "区划"),
    ("grids", "网格"),
    ("units", "单位"),
    ("staff", "工作人员"),
    ("service points", "解忧铺"),
    ("services", "服务项目"),
    ("vendor registrations", "集市登记"),
    ("meetings", "议事会议"),
    ("visits", "入户走访"),
    ("events", "活动"),
    ("evaluation cycles", "考核周期"),
)


class Command(BaseCommand):
    help = "加载演示县（木垒哈萨克自治县）：社区、网格、单位、工作人员、居民、诉求、党建台账、解忧铺和考核；可重复运行"

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=600, help="生成的居民人数（默认 600）")
        parser.add_argument("--seed", type=int, default=2024, help="随机种子，相同种子生成相同数据")
        parser.add_argument(
            "--force", action="store_true", help="在生产模式（JIEYOU_ENV=production）下也运行"
        )

    def handle(self, *args, residents, seed, force, **options):
        if settings.PRODUCTION and not force:
            raise CommandError("生产模式下不加载演示数据；确需加载请加 --force")
        if residents < 0:
            raise CommandError("--residents 不能为负数")
        created = load(residents=residents, seed=seed)
        generated = created["residents"]
        summary = "、".join(f"{label} {created[key]}" for key, label in KINDS)
        self.stdout.write(
            self.style.SUCCESS(f"演示县已就绪：{county.COUNTY[0]}")
            + f"（本次新增：{summary}、居民 {generated}）"
        )
        self.stdout.write(f"演示账号（密码均为 {county.DEMO_PASSWORD}）：")
        for role, name, username, where in sign_ins():
            self.stdout.write(f"  {_pad(role, 14)}{_pad(name, 8)}{_pad(username, 16)}{where}")


def _pad(text: str, width: int) -> str:
    """Pad to a column width counting a Chinese character as two, as a terminal shows it."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - shown)
