from django.core.management.base import BaseCommand, CommandError

from jieyou.party import tally


class Command(BaseCommand):
    help = "按组织生活记录重建党组织的组织生活月度统计；--check 只核对，不改动"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对统计与记录是否一致")

    def handle(self, *args, check=False, **options):
        if check:
            wrong = tally.differences()
            if wrong:
                for (org_id, kind, month), stored, counted in wrong[:20]:
                    self.stderr.write(
                        f"党组织 #{org_id} {month:%Y-%m} {kind}：统计 {stored}，记录 {counted}"
                    )
                raise CommandError(f"组织生活月度统计有 {len(wrong)} 处与记录不一致")
            self.stdout.write(self.style.SUCCESS("组织生活月度统计与记录一致"))
            return
        rows = tally.rebuild()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"已按记录重建组织生活月度统计，共 {rows} 行"))
