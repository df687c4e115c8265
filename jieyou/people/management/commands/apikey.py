"""`manage.py apikey create|list|revoke`: keys of systems that report concerns (Open311).

manage.py apikey create --name 12345平台   # prints the key, shown this once only
manage.py apikey list
manage.py apikey revoke --name 12345平台
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jieyou.people.actions import api_client_create, api_client_revoke
from jieyou.people.models import ApiClient


class Command(BaseCommand):
    help = "管理接入系统（Open311 api_key）：create 创建并打印密钥（只显示这一次），list 列出，revoke 停用"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("create", help="创建接入系统并打印密钥").add_argument(
            "--name", required=True, help="接入系统名称"
        )
        sub.add_parser("list", help="列出接入系统")
        sub.add_parser("revoke", help="停用接入系统的密钥").add_argument(
            "--name", required=True, help="接入系统名称"
        )

    def handle(self, *args, verb, **options):
        if verb == "create":
            name = options["name"].strip()
            if not name:
                raise CommandError("名称不能为空")
            if ApiClient.objects.filter(name=name).exists():
                raise CommandError(f"已有同名接入系统：{name}")
            _client, key = api_client_create(actor=None, name=name)
            self.stdout.write(key)
        elif verb == "list":
            for client in ApiClient.objects.order_by("name"):
                created = timezone.localtime(client.created_at).strftime("%Y-%m-%d %H:%M")
                state = (
                    "已停用 " + timezone.localtime(client.revoked_at).strftime("%Y-%m-%d %H:%M")
                    if client.revoked_at
                    else "有效"
                )
                self.stdout.write(f"{client.pk}\t{client.name}\t创建于 {created}\t{state}")
        else:
            client = ApiClient.objects.filter(name=options["name"]).first()
            if client is None:
                raise CommandError(f"接入系统不存在：{options['name']}")
            if client.revoked_at is not None:
                raise CommandError(f"接入系统已停用：{client.name}")
            api_client_revoke(actor=None, client=client)
            self.stdout.write(f"已停用：{client.name}")
