"""The market's product words: what a Xinjiang market calls a vegetable or fruit, and how to
find those words in a resident's sentence.

Every product has one canonical name; the synonyms people actually say map to it (洋芋 and
马铃薯 are 土豆, 皮牙子 is 洋葱, 黄萝卜 is 胡萝卜). The market book stores each registered
product under its canonical name, so "有卖洋芋的吗" finds the vendor who wrote 土豆.

Decisions worth knowing:
- 白菜 means 大白菜 (the winter Napa cabbage), as it does in the north. 油白菜 (油菜, the
  summer greens of the seed page), 小白菜, 娃娃菜 and 包菜 (洋白菜, 圆白菜, 莲花白) are
  different vegetables with their own canonical names. Whole words are matched, never parts
  of words: jieba knows 油白菜 as one word, the book compares canonical names for equality,
  and the near-miss step only compares a word with product words of the same length, so a
  question about 白菜 never finds the vendor of 油白菜.
- 葱 alone means 大葱, the northern onion sold by the bundle; 小葱 (香葱) is its own product.
- A near miss is a word jieba does not know that sounds like a product word: 白采, 土逗 and
  西洪柿 are typed with a pinyin keyboard, so their pinyin matches (rapidfuzz over pinyin, to
  forgive the z/zh, s/sh, c/ch that Xinjiang Mandarin often merges).
"""

import logging
import re
import threading
from dataclasses import dataclass

import jieba
from django.conf import settings
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz

VEGETABLE, FRUIT, OTHER = "蔬菜", "水果", "其他"

# canonical name → (kind, synonyms)
VOCABULARY: dict[str, tuple[str, tuple[str, ...]]] = {
    "大白菜": (VEGETABLE, ("白菜", "黄芽白", "黄芽菜", "结球白菜")),
    "小白菜": (VEGETABLE, ()),
    "油白菜": (VEGETABLE, ("油菜", "上海青")),
    "娃娃菜": (VEGETABLE, ()),
    "包菜": (VEGETABLE, ("卷心菜", "包心菜", "圆白菜", "洋白菜", "莲花白", "甘蓝", "包包菜")),
    "菠菜": (VEGETABLE, ()),
    "韭菜": (VEGETABLE, ("韭黄",)),
    "芹菜": (VEGETABLE, ("旱芹", "药芹")),
    "香菜": (VEGETABLE, ("芫荽", "芫茜")),
    "茴香": (VEGETABLE, ("茴香苗",)),
    "生菜": (VEGETABLE, ()),
    "油麦菜": (VEGETABLE, ()),
    "大葱": (VEGETABLE, ("葱",)),
    "小葱": (VEGETABLE, ("香葱", "细香葱")),
    "洋葱": (VEGETABLE, ("皮牙子", "圆葱", "葱头")),
    "大蒜": (VEGETABLE, ("蒜", "蒜头", "独头蒜")),
    "蒜苗": (VEGETABLE, ("青蒜",)),
    "生姜": (VEGETABLE, ("姜", "老姜")),
    "西红柿": (VEGETABLE, ("番茄", "洋柿子")),
    "黄瓜": (VEGETABLE, ("青瓜",)),
    "茄子": (VEGETABLE, ()),
    "辣椒": (VEGETABLE, ("尖椒", "线椒", "辣子", "朝天椒")),
    "青椒": (VEGETABLE, ("柿子椒", "菜椒", "甜椒", "灯笼椒", "菜辣子")),
    "土豆": (VEGETABLE, ("马铃薯", "洋芋", "山药蛋")),
    "红薯": (VEGETABLE, ("地瓜", "红苕", "番薯", "甘薯")),
    "胡萝卜": (VEGETABLE, ("红萝卜", "黄萝卜")),
    "白萝卜": (VEGETABLE, ("萝卜", "大萝卜")),
    "南瓜": (VEGETABLE, ("倭瓜",)),
    "西葫芦": (VEGETABLE, ("角瓜", "茭瓜")),
    "豆角": (VEGETABLE, ("四季豆", "芸豆", "架豆", "豇豆")),
    "花菜": (VEGETABLE, ("菜花", "花椰菜")),
    "西兰花": (VEGETABLE, ("西蓝花", "绿菜花")),
    "蘑菇": (VEGETABLE, ("口蘑", "平菇")),
    "玉米": (VEGETABLE, ("苞谷", "包谷", "玉米棒子")),
    "哈密瓜": (FRUIT, ()),
    "西瓜": (FRUIT, ()),
    "葡萄": (FRUIT, ("提子",)),
    "葡萄干": (FRUIT, ()),
    "苹果": (FRUIT, ()),
    "梨": (FRUIT, ("梨子", "香梨", "库尔勒香梨")),
    "红枣": (FRUIT, ("枣", "大枣", "枣子")),
    "杏子": (FRUIT, ("杏", "小白杏")),
    "桃子": (FRUIT, ("桃", "蟠桃")),
    "核桃": (FRUIT, ()),
    "鸡蛋": (OTHER, ("土鸡蛋", "笨鸡蛋")),
    "羊肉": (OTHER, ()),
    "牛肉": (OTHER, ()),
    "馕": (OTHER, ("馕饼",)),
    "酸奶": (OTHER, ()),
    "蜂蜜": (OTHER, ()),
}

SYNONYMS: dict[str, str] = {}
for _canonical, (_kind, _synonyms) in VOCABULARY.items():
    SYNONYMS[_canonical] = _canonical
    for _word in _synonyms:
        SYNONYMS[_word] = _canonical

# Words that ask about the market in general ("有卖菜的吗"): they name no one product.
GENERIC = frozenset({"菜", "蔬菜", "青菜", "水果", "瓜果", "果子", "东西", "啥", "什么", "农产品"})

# A product list in the book is split on these: 大葱、土豆，红薯 / 大葱,土豆 / 大葱 土豆.
SEPARATORS = re.compile(r"[、，,;；/\s]+")
MAX_NAME = 20  # RegisteredProduct.name and .canonical
# A word this much like a product word, in pinyin, is taken for it.
NEAR_MISS = 90
# Multi-character product words get a frequency high enough that jieba keeps them whole in
# "卖油白菜的" rather than reading 卖油 + 白菜.
WORD_FREQ = 50_000
# jieba's dictionary holds typos too (哈蜜瓜, seen twice in its corpus): a word seen fewer
# times than this may still be a near miss.
RARE = 20
# The grammar of a market question: these never belong to a mistyped product word, so that
# "有卖菜的吗" is not read as 油麦菜 (yǒu mài cài).
PARTICLES = frozenset("有卖买的吗呢吧啊呀么没不和跟与及或是在要了都还就也")
# "姜师傅" is a person, not ginger: a one-character product word followed by these is a surname.
TITLES = frozenset({"师傅", "老师", "大姐", "大哥", "阿姨", "叔叔", "大爷", "大妈", "家", "老板"})

_lock = threading.Lock()
_ready = False


@dataclass(frozen=True)
class Product:
    word: str  # as the person wrote it
    canonical: str


def _tokenizer():
    """jieba with the product words, loaded once; its dictionary cache goes to var/."""
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.dt.tmp_dir = str(settings.VAR_DIR)
                jieba.dt.initialize()
                for word in SYNONYMS:
                    known = jieba.dt.FREQ.get(word) or 0
                    if len(word) > 1 and known < WORD_FREQ:
                        jieba.dt.add_word(word, freq=WORD_FREQ)
                    elif not known:
                        jieba.dt.add_word(word)
                _ready = True
    return jieba.dt


def _pinyin(word: str) -> str:
    return "".join(lazy_pinyin(word))


_PINYIN_BY_LENGTH: dict[int, list[tuple[str, str]]] = {}
for _word in SYNONYMS:
    _PINYIN_BY_LENGTH.setdefault(len(_word), []).append((_pinyin(_word), _word))


def kind_of(canonical_name: str) -> str:
    return VOCABULARY[canonical_name][0] if canonical_name in VOCABULARY else OTHER


def _is_chinese(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in word)


def near_miss(word: str) -> str | None:
    """The product word that `word` (not itself a known word) most likely means, or None."""
    if len(word) < 2 or not _is_chinese(word) or word in GENERIC or word in SYNONYMS:
        return None
    sound = _pinyin(word)
    best, best_score = None, 0.0
    for candidate_sound, candidate in _PINYIN_BY_LENGTH.get(len(word), ()):
        score = fuzz.ratio(sound, candidate_sound)
        if score > best_score:
            best, best_score = candidate, score
    return best if best_score >= NEAR_MISS else None


def canonical(name: str) -> str:
    """The canonical name of one product as written in the book or a question: a synonym maps
    to its product, "本地大葱" to 大葱, a near miss to the word it sounds like; an unknown
    product keeps its own name."""
    name = (name or "").strip()
    if name in SYNONYMS:
        return SYNONYMS[name]
    found = products_in(name)
    if len(found) == 1:
        return found[0].canonical
    return name[:MAX_NAME]


def products_in(text: str, *, extra=()) -> list[Product]:
    """The products named in a sentence, in order, each canonical name once.

    `extra` are further canonical names (the ones vendors registered that the vocabulary
    lacks, like 羊肚菌), found where the text holds them and no product word already is.
    """
    text = text or ""
    tokenizer = _tokenizer()
    tokens = tokenizer.lcut(text)
    found: list[tuple[int, Product]] = []  # (character offset, product)
    weak: list[tuple[int, str]] = []  # a run of tokens that may hide a mistyped product
    offset = 0

    def close_run():
        found.extend(_near_misses(weak, tokenizer))
        weak.clear()

    for i, token in enumerate(tokens):
        here, offset = offset, offset + len(token)
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in GENERIC or token in PARTICLES or not token.strip():
            close_run()
        elif token in SYNONYMS and not (len(token) == 1 and following in TITLES):
            close_run()
            found.append((here, Product(token, SYNONYMS[token])))
        elif _is_chinese(token) and (len(token) == 1 or _rare(token, tokenizer)):
            weak.append((here, token))
        else:
            close_run()
    close_run()
    found.extend(_extra_names(text, extra, found))
    result: list[Product] = []
    seen: set[str] = set()
    for _at, product in sorted(found, key=lambda f: f[0]):
        if product.canonical not in seen:
            seen.add(product.canonical)
            result.append(product)
    return result


def _extra_names(text: str, extra, found) -> list[tuple[int, Product]]:
    covered = [False] * len(text)
    for at, product in found:
        covered[at : at + len(product.word)] = [True] * len(product.word)
    hits = []
    for name in sorted(set(extra), key=len, reverse=True):
        if len(name) < 2 or name in SYNONYMS:
            continue
        at = text.find(name)
        while at >= 0:
            if not any(covered[at : at + len(name)]):
                hits.append((at, Product(name, name)))
                covered[at : at + len(name)] = [True] * len(name)
            at = text.find(name, at + 1)
    return hits


def _rare(word: str, tokenizer) -> bool:
    return (tokenizer.FREQ.get(word) or 0) < RARE


def _near_misses(run: list[tuple[int, str]], tokenizer) -> list[tuple[int, Product]]:
    """Product words hidden in a run of single characters and rare words ("有土逗吗" holds
    土逗, typed for 土豆): windows of four, three, then two characters, longest first."""
    if not run:
        return []
    start = run[0][0]
    chars = "".join(token for _at, token in run)
    taken = [False] * len(chars)
    hits = []
    for size in (4, 3, 2):
        for i in range(len(chars) - size + 1):
            window = chars[i : i + size]
            if any(taken[i : i + size]) or not _rare(window, tokenizer):
                continue
            guess = near_miss(window)
            if guess:
                hits.append((start + i, Product(window, SYNONYMS[guess])))
                taken[i : i + size] = [True] * size
    return hits


def split_products(text: str) -> list[str]:
    """The products of one book line, as written, in order, without repeats."""
    names: list[str] = []
    for part in SEPARATORS.split(text or ""):
        part = part.strip()
        if part and part not in names:
            names.append(part)
    return names
