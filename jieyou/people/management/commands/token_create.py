"""`manage.py token_create --user U --name N`: print a new API token (shown this once only)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jieyou.people.actions import api_token_create


class Command(BaseCommand):
    help = "为用户创建一个接口令牌并打印（只显示这一次）"

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="用户名")
        parser.add_argument("--name", required=True, help="令牌名称，例如所用的系统")

    def handle(self, *args, user, name, **options):
        User = get_user_model()
        try:
            owner = User.objects.get(**{User.USERNAME_FIELD: user})
        except User.DoesNotExist:
            raise CommandError(f"用户不存在：{user}") from None
        if not owner.is_active:
            raise CommandError(f"用户已停用：{user}")
        _token, key = api_token_create(actor=None, user=owner, name=name)
        self.stdout.write(key)
