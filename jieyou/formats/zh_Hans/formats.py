# Django's own Chinese formats, but for the day of a month: 7月3日, as people write it, not
# 07月3日. Everything else comes from django/conf/locale/zh_Hans/formats.py.
MONTH_DAY_FORMAT = "n月j日"
