from django.core.management.base import BaseCommand, CommandError

from jieyou.points import tally


class Command(BaseCommand):
    help = "按入户走访记录重建入户走访月度统计；--check 只核对，不改动"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对统计与记录是否一致")

    def handle(self, *args, check=False, **options):
        if check:
            wrong = tally.differences()
            if wrong:
                for (household_id, grid_id, year), stored, counted in wrong[:20]:
                    self.stderr.write(
                        f"住户 #{household_id} 网格 #{grid_id} {year} 年走访月份："
                        f"统计 {stored:012b}，记录 {counted:012b}"
                    )
                raise CommandError(f"入户走访月度统计有 {len(wrong)} 处与记录不一致")
            self.stdout.write(self.style.SUCCESS("入户走访月度统计与记录一致"))
            return
        rows = tally.rebuild()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"已按记录重建入户走访月度统计，共 {rows} 行"))
