"""The message classifier and the urgency rules (issue 5; SEC-10: suggestions with reasons).

Fixtures are invented messages written here, not the shared data."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voices.textmodel.classifier import Prediction, TextClassifier
from voices.textmodel.features import normalise, normalise_many
from voices.textmodel.urgency import NORMAL, URGENT, UrgencyScorer, score_urgency

TRAFFIC = [
    "公交车班次太少，早上等车要半小时",
    "路口红绿灯坏了，交通秩序混乱",
    "建议增加公交线路方便居民出行",
    "道路拥堵严重，希望交警加强疏导",
    "出租车司机拒载，乘客投诉无门",
    "公交站台没有遮雨棚，乘客淋雨等车",
    "高峰期道路拥堵，红绿灯时间太短",
    "地铁站到公交站换乘不方便",
]
SCHOOL = [
    "学校食堂饭菜质量差，学生吃不饱",
    "幼儿园学费上涨太快，家长负担重",
    "老师课后补课收费，学生家长不满",
    "学校操场年久失修，学生上体育课不安全",
    "小学入学报名难，学位紧张",
    "中学老师体罚学生，家长要求学校处理",
    "学校周边校车接送不规范，家长担心",
    "学位分配不公平，学生入学困难",
]
ENVIRONMENT = [
    "工厂夜间排放污水，河水发黑发臭",
    "小区旁边工地噪音扰民，晚上无法睡觉",
    "垃圾站臭气熏天，污染周边环境",
    "化工厂废气排放，空气污染严重",
    "河道污水直排，鱼虾死亡",
    "垃圾焚烧厂冒黑烟，居民呼吸困难",
    "工地夜间施工噪音，环保部门不管",
    "养殖场污水横流，臭气影响村民",
]
TEXTS = TRAFFIC + SCHOOL + ENVIRONMENT
LABELS = ["交通运输"] * len(TRAFFIC) + ["教育文体"] * len(SCHOOL) + ["环境保护"] * len(ENVIRONMENT)
NEW = ["公交车太挤，建议增加班次", "学校乱收学费，家长有意见", "工厂排放污水，河道污染"]


@pytest.fixture(scope="module")
def model():
    return TextClassifier().fit(TEXTS, LABELS)


def test_normalise_strips_scraped_padding_full_width_and_case():
    assert (
        normalise("\n\t\t\t\t\t\n\t\t\t\t\tＡ市ＡＢＣ１２３　小区\t\t停水！\n\t\t") == "a市abc123 小区 停水!"
    )
    assert normalise("第一行_x000D_第二行") == "第一行 第二行"
    assert normalise(None) == ""


def test_fit_predict_suggests_the_right_category(model):
    assert model.labels == ["交通运输", "教育文体", "环境保护"]
    assert model.predict(NEW) == ["交通运输", "教育文体", "环境保护"]
    assert model.predict([]) == []


def test_explain_gives_label_confidence_and_words_of_the_message(model):
    """SEC-10: staff see why: the words that weighed most, taken from the message itself."""
    predictions = model.explain(NEW, top=3)
    assert [p.label for p in predictions] == model.predict(NEW)
    for text, prediction in zip(NEW, predictions, strict=True):
        assert isinstance(prediction, Prediction)
        assert 0.0 <= prediction.confidence <= 1.0
        assert 1 <= len(prediction.reasons) <= 3
        weights = [w for _word, w in prediction.reasons]
        assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
        for word, _weight in prediction.reasons:
            assert word in normalise(text)
            assert len(word) >= 2  # words, not single characters
    assert any(word in ("污水", "排放", "污染") for word, _w in predictions[2].reasons)
    with pytest.raises(AttributeError):
        predictions[0].label = "x"  # frozen


def test_confidence_is_a_probability_over_the_labels(model):
    proba = model.predict_proba(NEW)
    assert proba.shape == (3, 3)
    assert abs(proba.sum(axis=1) - 1).max() < 1e-9


def test_dumps_loads_round_trip_predicts_and_explains_the_same(model):
    blob = model.dumps()
    assert isinstance(blob, bytes)
    loaded = TextClassifier.loads(blob)
    assert loaded.labels == model.labels
    assert loaded.predict(NEW) == model.predict(NEW)
    assert loaded.explain(NEW) == model.explain(NEW)
    assert loaded.version_info() == model.version_info()
    assert loaded.dumps() == blob


def test_loads_refuses_other_bytes():
    with pytest.raises(ValueError):
        TextClassifier.loads(b"not a model")


def test_training_is_deterministic(model):
    again = TextClassifier().fit(TEXTS, LABELS)
    assert again.dumps() == model.dumps()
    assert again.version_info()["params_hash"] == model.version_info()["params_hash"]


def test_version_info_names_libraries_and_training_size(model):
    info = model.version_info()
    for key in ("numpy", "scipy", "scikit-learn", "jieba", "python", "params_hash"):
        assert info[key]
    assert info["n_train"] == len(TEXTS)
    assert info["labels"] == model.labels
    assert model.params["fitted"]["C"] in model.params["c_grid"]
    assert TextClassifier(C=2.0).params["C"] == 2.0


def test_pre_segmented_text_and_title_body_pairs_work():
    segmented = [" ".join(text) for text in TEXTS]  # space-separated tokens
    seg_model = TextClassifier().fit(segmented, LABELS)
    assert seg_model.predict([" ".join(t) for t in NEW]) == ["交通运输", "教育文体", "环境保护"]
    pairs = [(text[:6], text) for text in TEXTS]
    pair_model = TextClassifier().fit(pairs, LABELS)
    assert pair_model.predict([("公交太挤", "建议增加公交班次")]) == ["交通运输"]


def test_two_labels_and_unlabelled_messages():
    binary = TextClassifier().fit(TRAFFIC + SCHOOL, ["交通"] * 8 + ["教育"] * 8, unlabelled=ENVIRONMENT + NEW)
    assert binary.predict(NEW[:2]) == ["交通", "教育"]
    assert binary.params["fitted"]["n_unlabelled"] == len(ENVIRONMENT) + len(NEW)
    assert binary.params["fitted"]["semi_supervised"] in ("never", "self_training")
    assert binary.explain(NEW[:1])[0].label == "交通"


def test_refuses_bad_training_input():
    with pytest.raises(ValueError):
        TextClassifier().fit(TEXTS, ["交通运输"] * len(TEXTS))
    with pytest.raises(ValueError):
        TextClassifier().fit(TEXTS, LABELS[:-1])
    with pytest.raises(ValueError):
        TextClassifier(colour="red")
    with pytest.raises(RuntimeError):
        TextClassifier().predict(NEW)


# --- how rare a character may be and still count (min_df) ----------------------------------

#: Characters found nowhere in TEXTS, each put into exactly this many training messages.
RARE = {"麟": 1, "鳄": 3, "鲸": 5}


def corpus_with_rare_characters(size: int) -> tuple[list[str], list[str]]:
    """`size` training messages drawn from TEXTS (numbered, so they differ) with the RARE
    characters added to the first 1, 3 and 5 of them."""
    texts = [f"{TEXTS[i % len(TEXTS)]}，编号{i}" for i in range(size)]
    for char, count in RARE.items():
        for i in range(count):
            texts[i] += char
    return texts, [LABELS[i % len(LABELS)] for i in range(size)]


def kept_rare_characters(size: int) -> tuple[int, set[str], int]:
    """The fitted minimum document frequency, which RARE characters are features, how many
    features there are (C fixed and no CV: only the feature space matters here)."""
    texts, labels = corpus_with_rare_characters(size)
    fitted = TextClassifier(C=1.0, cv_folds=0).fit(texts, labels)
    kept = {char for char in RARE if fitted.space.char_column(char) is not None}
    return fitted.params["fitted"]["min_df"], kept, fitted.version_info()["n_features"]


def test_min_df_is_the_configured_5_from_1000_training_messages():
    """With ≥ 1,000 messages, a character seen in fewer than 5 of them is no feature."""
    assert TextClassifier().params["min_df"] == 5
    min_df, kept, _n = kept_rare_characters(1000)
    assert min_df == 5
    assert kept == {"鲸"}


@pytest.mark.parametrize("size", [100, 999])
def test_min_df_is_at_most_2_from_100_to_999_training_messages(size):
    """Below 1,000 messages, a character seen in 2 of them is kept; one seen once is not."""
    min_df, kept, _n = kept_rare_characters(size)
    assert min_df == 2
    assert kept == {"鳄", "鲸"}
    assert TextClassifier(min_df=1).fit(*corpus_with_rare_characters(size)).params["fitted"]["min_df"] == 1


def test_min_df_is_1_below_100_training_messages():
    """On a handful of messages (a new unit) every character counts, even one seen once."""
    min_df, kept, _n = kept_rare_characters(99)
    assert min_df == 1
    assert kept == set(RARE)


def test_one_more_message_past_1000_prunes_more_features():
    """The step at 1,000 is visible in the model's size: 1,000 messages give fewer features
    than 999 of the same messages."""
    _min_df, _kept, features_999 = kept_rare_characters(999)
    _min_df, _kept, features_1000 = kept_rare_characters(1000)
    assert features_1000 < features_999


# --- urgency -----------------------------------------------------------------------------


def test_urgency_rules_flag_danger_with_reasons():
    level, reasons = score_urgency("小区配电箱漏电，孩子差点触电，请尽快处理")
    assert level == URGENT
    words = [w for w, _ in reasons]
    assert words[:2] == ["漏电", "触电"] and "尽快" in words


def test_urgency_rules_leave_ordinary_messages_normal():
    assert score_urgency("建议在公园增加几条长椅") == (NORMAL, [])
    level, reasons = score_urgency("楼道灯坏了，希望尽快修")
    assert level == NORMAL and reasons == [("尽快", 1.0)]


def test_urgency_rules_ignore_negated_words_and_prefer_longer_words():
    assert score_urgency("这里没有危险，不紧急")[0] == NORMAL
    level, reasons = score_urgency("楼下发生火灾")
    assert level == URGENT and reasons == [("火灾", 3.0)]


def test_urgency_scorer_defers_to_a_trained_model():
    texts = [
        "突然停水三天了",
        "楼房墙体开裂快塌了",
        "煤气泄漏味道很大",
        "电线漏电很危险",
        "建议公园多种树",
        "希望增加图书馆开放时间",
        "小区绿化可以更好",
        "建议路边多设座椅",
    ]
    labels = [URGENT] * 4 + [NORMAL] * 4
    trained = TextClassifier().fit(texts, labels)
    scorer = UrgencyScorer(model=trained)
    level, reasons = scorer.score("建议图书馆多开放")
    assert level == NORMAL
    assert all(word in "建议图书馆多开放" for word, _ in reasons)
    # a rule-urgent message stays urgent even if the model disagreed
    assert scorer.score("着火了，紧急！")[0] == URGENT
    assert UrgencyScorer().score("着火了，紧急！") == score_urgency("着火了，紧急！")


def test_urgency_assess_gives_label_confidence_and_reasons():
    """The shape voices.classify reads: label / is_urgent, confidence 0..1, reasons."""
    from voices.textmodel.urgency import assess

    urgent = assess("燃气泄漏，紧急")
    assert urgent.is_urgent and urgent.label == URGENT and urgent.confidence == 1.0
    assert [w for w, _ in urgent.reasons] == ["燃气泄漏", "紧急"]
    calm = assess("建议多种树")
    assert not calm.is_urgent and calm.confidence == 1.0 and calm.reasons == []
    assert not assess("停水了").is_urgent and 0.5 < assess("停水了").confidence < 1.0


# The batch normaliser (the predict path) must give exactly what the per-text one gives: the
# model's features, and so its suggestions, depend on every character.
_AWKWARD = [" ", "  ", "\t", "\n", "\r\n", "\u3000", "\xa0", "\x1c", "\x85", "\u2028", "\u200b", "_x000D_",
            "＿ｘ０００Ｄ＿", "Ａｂ", "ＡＢＣ", "İ", "字", "a", "B", "１２", "，", "\x00"]


@given(st.lists(st.lists(st.sampled_from(_AWKWARD) | st.text(max_size=3), max_size=8).map("".join), max_size=6))
def test_normalising_a_batch_gives_each_message_as_normalised_alone(texts):
    assert normalise_many(texts) == [normalise(t) for t in texts]


def test_normalising_folds_whitespace_and_full_width_as_one_message_would():
    assert normalise_many(["  Ａ市\u3000\u3000小区 _x000D_\n 电梯  ", "\t投诉\n\n物业"]) == ["a市 小区 电梯", "投诉 物业"]


@given(st.lists(st.lists(st.integers(0, 40), max_size=30), min_size=1, max_size=6))
def test_counting_by_sorting_gives_the_same_matrix_as_the_counting_sorts(docs):
    # A few messages against a big space are counted by one sort of their n-grams; a large
    # batch by counting sorts over the columns. Both must give the same counts, rows sorted.
    import numpy as np

    from voices.textmodel.features import _counts

    rows = np.array([i for i, doc in enumerate(docs) for _ in doc], dtype=np.int64)
    columns = np.array([c for doc in docs for c in doc], dtype=np.int32)
    by_sorting = _counts(rows, columns, len(docs), 41, by_sorting=True)
    by_counting = _counts(rows, columns, len(docs), 41, by_sorting=False)
    assert by_sorting.indptr.tolist() == by_counting.indptr.tolist()
    assert by_sorting.indices.tolist() == by_counting.indices.tolist()
    assert by_sorting.data.tolist() == by_counting.data.tolist()
    for i, doc in enumerate(docs):
        assert dict(zip(by_sorting[i].indices.tolist(), by_sorting[i].data.tolist(), strict=True)) == {
            c: doc.count(c) for c in set(doc)}


def test_one_message_scores_as_it_does_in_a_large_batch(model):
    # One message is counted by sorting its n-grams, a large batch by counting sorts: the same
    # suggestion and confidence either way (intake classifies a dozen at a time, the import 500).
    batch = (TEXTS + NEW) * 40
    together = model.predict_proba(batch)
    for i, text in enumerate(TEXTS + NEW):
        assert model.predict_proba([text]).tolist() == together[i : i + 1].tolist()


def test_a_long_history_chooses_its_settings_on_a_sample_and_learns_from_every_row():
    """cv_max_rows: the CV that chooses C runs on a stratified sample (each class keeping at
    least cv_folds rows, so every fold can learn it); the model itself is fitted on all rows."""
    texts = TEXTS * 3 + ["公交线路太少"] * 3
    labels = LABELS * 3 + ["线路"] * 3  # a rare class: 3 rows in 75
    sampled = TextClassifier(cv_max_rows=30).fit(texts, labels)
    assert 30 <= len(sampled.cv_labels) <= 33 and len(sampled.cv_predictions) == len(sampled.cv_labels)
    assert sampled.cv_labels.count("线路") == 3  # kept whole: fewer than cv_folds would be lost
    assert set(sampled.cv_labels) == set(labels)
    assert sampled.version_info()["n_train"] == len(texts)
    whole = TextClassifier().fit(texts, labels)
    assert len(whole.cv_labels) == len(texts)
