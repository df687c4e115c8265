from django.core.management.base import BaseCommand

from jieyou.concerns.actions import concerns_mark_overdue, concerns_queue_follow_ups
from jieyou.core import idempotency


class Command(BaseCommand):
    help = "标记超期诉求并逐级上报，提醒待回访，清理24小时前的幂等记录（可每分钟由 cron 运行，重复运行不重复处理）"

    def handle(self, *args, **options):
        marked = concerns_mark_overdue()
        queued = concerns_queue_follow_ups()
        purged = idempotency.purge_expired()
        self.stdout.write(
            f"新标记超期 {marked} 件，新增回访提醒 {queued} 条，清理幂等记录 {purged} 条"
        )
