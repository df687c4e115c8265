from django.core.management.base import BaseCommand, CommandError

from jieyou.core import audit


class Command(BaseCommand):
    help = "检查审计日志的哈希链，报告第一处断点"

    def handle(self, *args, **options):
        broken = audit.verify()
        if broken is None:
            self.stdout.write(self.style.SUCCESS("审计链完整"))
            return
        where = f"记录 #{broken.entry_id}" if broken.entry_id is not None else "链尾"
        raise CommandError(f"审计链断裂于{where}：{broken.reason}")
