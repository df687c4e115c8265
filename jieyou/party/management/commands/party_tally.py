from jieyou.core.rollup import RollupCommand
from jieyou.party import tally


class Command(RollupCommand):
    help = "按组织生活记录重建党组织的组织生活月度统计；--check 只核对，不改动"
    tally = tally
    rollup_name = "组织生活月度统计"

    def describe(self, key, stored, counted) -> str:
        org_id, kind, month = key
        return f"党组织 #{org_id} {month:%Y-%m} {kind}：统计 {stored}，记录 {counted}"
