"""The command behind every rollup kept beside its records: rebuild it from the records, or with
--check only compare and fail when they differ."""

from django.core.management.base import BaseCommand, CommandError

SHOWN_DIFFERENCES = 20


class RollupCommand(BaseCommand):
    """A subclass names the tally module (`differences()` and `rebuild()`), what the rollup is
    called, and how one difference reads."""

    tally = None
    rollup_name = ""

    def describe(self, key, stored, counted) -> str:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对统计与记录是否一致")

    def handle(self, *args, check=False, **options):
        if check:
            wrong = self.tally.differences()
            if wrong:
                for key, stored, counted in wrong[:SHOWN_DIFFERENCES]:
                    self.stderr.write(self.describe(key, stored, counted))
                raise CommandError(f"{self.rollup_name}有 {len(wrong)} 处与记录不一致")
            self.stdout.write(self.style.SUCCESS(f"{self.rollup_name}与记录一致"))
            return
        rows = self.tally.rebuild()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"已按记录重建{self.rollup_name}，共 {rows} 行"))
