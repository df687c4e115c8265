"""Chinese text helpers: pinyin keys for names, so that `zdy` or `zhaodaye` finds 赵大爷."""

from functools import lru_cache

from pypinyin import lazy_pinyin


@lru_cache(maxsize=8192)
def _char_keys(char: str) -> tuple[str, str]:
    full = lazy_pinyin(char, errors="default")[0].lower()
    return full, full[:1]


def pinyin_keys(text: str) -> tuple[str, str]:
    """(`zhaodaye`, `zdy`) for 赵大爷; characters without pinyin are kept as they are.

    Per-character lookups are cached: a roster of 100,000 names repeats its characters.
    """
    full, initials = [], []
    for char in text:
        f, i = _char_keys(char)
        full.append(f)
        initials.append(i)
    return "".join(full), "".join(initials)
