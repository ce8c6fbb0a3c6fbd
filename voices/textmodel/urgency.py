"""Urgency of a citizen's message: rules first, a trained model once there is history.

    level, reasons = score_urgency("小区配电箱漏电，孩子差点触电，请尽快处理")
    # ("urgent", [("漏电", 3.0), ("触电", 3.0), ("尽快", 1.0)])

    scorer = UrgencyScorer(model=trained_text_classifier)   # labels "urgent"/"normal"
    scorer.score(text)                                     # the model's suggestion + its words

SEC-10: a suggestion shown with its reasons; a person decides. The rules are a weighted word
list (danger to life, loss of a basic utility, explicit urgency); a message is "urgent" when
its weight reaches URGENT_AT. Negated mentions ("没有危险", "不紧急") do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .features import normalise

URGENT = "urgent"
NORMAL = "normal"
URGENT_AT = 3.0

#: word → weight. 3: on its own makes a message urgent; 2: danger or a lost utility;
#: 1: words that add to others ("尽快", "多次").
URGENCY_WORDS: dict[str, float] = {
    # danger to life and limb
    "危险": 2, "险情": 3, "安全隐患": 2, "隐患": 1, "塌": 3, "坍塌": 3, "倒塌": 3, "塌陷": 3, "垮塌": 3,
    "火": 1, "火灾": 3, "着火": 3, "失火": 3, "起火": 3, "爆炸": 3, "燃气泄漏": 3, "煤气泄漏": 3,
    "漏气": 3, "泄漏": 2, "漏电": 3, "触电": 3, "电线裸露": 3, "中毒": 3, "溺水": 3, "落水": 2,
    "伤亡": 3, "死亡": 3, "受伤": 2, "生命": 2, "人命": 3, "救命": 3, "急救": 3, "昏迷": 3,
    "砸伤": 3, "高空坠物": 3, "坠落": 2, "洪水": 3, "内涝": 2, "山体滑坡": 3, "滑坡": 2, "决堤": 3,
    "暴力": 2, "殴打": 2, "威胁": 2, "自杀": 3, "跳楼": 3, "失踪": 3,
    # loss of a basic service
    "停水": 2, "断水": 2, "停电": 2, "断电": 2, "停气": 2, "断气": 2, "没水": 2, "没电": 2,
    "没有暖气": 2, "停暖": 2, "爆管": 3, "水管爆裂": 3, "污水外溢": 2, "电梯困人": 3, "困在电梯": 3,
    # explicit urgency
    "紧急": 3, "十万火急": 3, "万分火急": 3, "刻不容缓": 3, "迫在眉睫": 3, "加急": 2, "急": 1,
    "尽快": 1, "马上": 1, "立即": 1, "立刻": 1, "务必": 1, "多次": 1, "至今未": 1, "无人处理": 1,
    "老人": 1, "孩子": 1, "小孩": 1, "学生": 1,
}

#: A word preceded closely by one of these does not count ("没有危险", "不紧急", "并非停水").
_NEGATION = re.compile(r"(不|没|没有|无|并非|并不|不是|未)$")
_PATTERN = re.compile("|".join(sorted((re.escape(w) for w in URGENCY_WORDS), key=len, reverse=True)))


def score_urgency(text: str | None) -> tuple[str, list[tuple[str, float]]]:
    """("urgent" | "normal", [(word, weight), …]) by the rules; reasons sorted by weight.

    Longer words win over the words inside them ("火灾" counts once, not also as "火");
    a word counts once however often it occurs."""
    body = normalise(text).replace(" ", "")
    found: dict[str, float] = {}
    for match in _PATTERN.finditer(body):
        word = match.group(0)
        if _NEGATION.search(body[max(0, match.start() - 2) : match.start()]):
            continue
        found[word] = float(URGENCY_WORDS[word])
    reasons = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    level = URGENT if sum(found.values()) >= URGENT_AT else NORMAL
    return level, reasons


@dataclass(frozen=True)
class Assessment:
    """An urgency suggestion: `label` "urgent"/"normal", `confidence` 0..1, and its reasons."""

    label: str
    confidence: float
    reasons: list[tuple[str, float]] = field(default_factory=list)

    @property
    def is_urgent(self) -> bool:
        return self.label == URGENT


def assess(text: str | None, model: object | None = None) -> Assessment:
    """`UrgencyScorer(model).assess(text)`: the rules alone when no model is given."""
    return UrgencyScorer(model=model).assess(text)


@dataclass
class UrgencyScorer:
    """Rules until a trained urgency model exists; then the model (labels "urgent"/"normal"),
    its reasons being the words that weighed most. `rules_first=True` keeps a rule-urgent
    message urgent even when the model says otherwise (a miss costs more than a false alarm)."""

    model: object | None = None  # a fitted TextClassifier
    rules_first: bool = True

    def score(self, text: str) -> tuple[str, list[tuple[str, float]]]:
        assessment = self.assess(text)
        return assessment.label, list(assessment.reasons)

    def assess(self, text: str | None) -> Assessment:
        """As `score`, with a confidence: the model's when it decides; for the rules, how far
        the words' total weight is from the URGENT_AT threshold (no words: 1.0 normal)."""
        rule_level, rule_reasons = score_urgency(text)
        total = sum(weight for _word, weight in rule_reasons)
        if rule_level == URGENT:
            rule_confidence = min(1.0, 0.5 + total / (2 * URGENT_AT))
        else:
            rule_confidence = 0.5 + (URGENT_AT - total) / (2 * URGENT_AT)
        rules = Assessment(rule_level, round(rule_confidence, 4), rule_reasons)
        if self.model is None:
            return rules
        prediction = self.model.explain([text or ""])[0]
        if self.rules_first and rule_level == URGENT and prediction.label != URGENT:
            return rules
        return Assessment(prediction.label, prediction.confidence, list(prediction.reasons))
