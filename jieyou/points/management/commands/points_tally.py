from jieyou.core.rollup import RollupCommand
from jieyou.points import tally


class Command(RollupCommand):
    help = "按入户走访记录重建入户走访月度统计；--check 只核对，不改动"
    tally = tally
    rollup_name = "入户走访月度统计"

    def describe(self, key, stored, counted) -> str:
        household_id, grid_id, year = key
        return (
            f"住户 #{household_id} 网格 #{grid_id} {year} 年走访月份："
            f"统计 {stored:012b}，记录 {counted:012b}"
        )
