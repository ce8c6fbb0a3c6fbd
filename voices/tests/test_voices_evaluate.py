"""`manage.py voices_evaluate`: figures as JSON, clear errors (issue 5)."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from voices.tests.test_textmodel import LABELS, NEW, TEXTS
from voices.textmodel.evaluate import row_text, select_extra

SHARED = Path("/work/shared/data/tipdm2020c/labelled_messages.csv")
#: Measured 0.844 macro-F1 on the fixed split (issue 5 report); the floor leaves room for
#: library-version noise, not for a worse pipeline.
RAW_SUBSET_FLOOR = 0.82


#: The split and the columns of the shared data sets (their README fixes the split).
SPLIT_COLUMNS = ("--split-column", "split", "--text", "留言主题,留言详情", "--label", "一级标签")


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    return path


def rows(texts, labels, split=None, start=1):
    out = []
    for number, (text, label) in enumerate(zip(texts, labels, strict=True), start=start):
        row = {
            "留言编号": str(number),
            "留言主题": text[:5],
            "留言详情": f"\n\t\t\t{text}\n\t\t",
            "一级标签": label,
        }
        if split:
            row["split"] = split
        out.append(row)
    return out


def run(*args) -> dict:
    out = io.StringIO()
    call_command("voices_evaluate", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def files(tmp_path):
    train = write_csv(tmp_path / "train.csv", rows(TEXTS, LABELS))
    test = write_csv(tmp_path / "test.csv", rows(NEW, ["交通运输", "教育文体", "环境保护"], start=100))
    return train, test


def test_prints_accuracy_macro_f1_per_class_and_speed(files):
    train, test = files
    result = run(
        "--train", str(train), "--test", str(test), "--text", "留言主题,留言详情", "--label", "一级标签"
    )
    for key in (
        "accuracy",
        "macro_f1",
        "per_class",
        "train_seconds",
        "predict_per_second",
        "n_train",
        "n_test",
    ):
        assert key in result
    assert (result["n_train"], result["n_test"]) == (len(TEXTS), 3)
    assert result["accuracy"] == 1.0 and result["macro_f1"] == 1.0
    assert set(result["per_class"]) == {"交通运输", "教育文体", "环境保护"}
    assert set(result["per_class"]["交通运输"]) == {"precision", "recall", "f1", "support"}
    assert result["per_class"]["交通运输"]["support"] == 1
    assert result["predict_per_second"] > 0


def test_split_column_and_unlabelled_rows(tmp_path):
    labelled = write_csv(
        tmp_path / "all.csv",
        rows(TEXTS, LABELS, "train") + rows(NEW, ["交通运输", "教育文体", "环境保护"], "test", 100),
    )
    # one unlabelled row repeats a test message (same id): it must be dropped
    unlabelled = write_csv(
        tmp_path / "unlabelled.csv",
        [{"留言编号": "100", "标题": NEW[0]}, {"留言编号": "500", "标题": "河边有人倒垃圾"}],
    )
    result = run(
        "--train",
        str(labelled),
        *SPLIT_COLUMNS,
        "--unlabelled",
        str(unlabelled),
        "--unlabelled-text",
        "标题",
    )
    assert (result["n_train"], result["n_test"]) == (len(TEXTS), 3)
    assert (result["n_unlabelled"], result["n_unlabelled_excluded"]) == (1, 1)


def test_missing_file_is_a_clear_error(files, tmp_path):
    _train, test = files
    with pytest.raises(CommandError, match="no such file"):
        run(
            "--train",
            str(tmp_path / "nope.csv"),
            "--test",
            str(test),
            "--text",
            "留言详情",
            "--label",
            "一级标签",
        )


def test_missing_column_is_a_clear_error(files):
    train, test = files
    with pytest.raises(CommandError, match="no column 标题"):
        run("--train", str(train), "--test", str(test), "--text", "标题", "--label", "一级标签")
    with pytest.raises(CommandError, match="no column 类别"):
        run("--train", str(train), "--test", str(test), "--text", "留言详情", "--label", "类别")


def test_empty_label_is_a_clear_error(tmp_path, files):
    _train, test = files
    bad = rows(TEXTS, LABELS)
    bad[3]["一级标签"] = " "
    train = write_csv(tmp_path / "bad.csv", bad)
    with pytest.raises(CommandError, match="empty 一级标签"):
        run("--train", str(train), "--test", str(test), "--text", "留言详情", "--label", "一级标签")


def test_fewer_than_two_classes_is_a_clear_error(tmp_path, files):
    _train, test = files
    train = write_csv(tmp_path / "one.csv", rows(TEXTS, ["交通运输"] * len(TEXTS)))
    with pytest.raises(CommandError, match="fewer than 2 classes"):
        run("--train", str(train), "--test", str(test), "--text", "留言详情", "--label", "一级标签")


def test_split_column_errors(files):
    train, test = files
    with pytest.raises(CommandError, match="no split column"):
        run("--train", str(train), "--split-column", "split", "--text", "留言详情", "--label", "一级标签")
    with pytest.raises(CommandError, match="--test is required"):
        run("--train", str(train), "--text", "留言详情", "--label", "一级标签")


def extra_rows() -> list[dict]:
    """Extra labelled rows (as a segmented copy of the data would have them) against the
    training rows 1–24 and the test rows 100–102 of `rows`: three must go, two are new."""
    return [
        # shares an id with a training row (the same message, whatever its text now)
        {"留言编号": "3", "分词文本": "菜市场 门口 占道 经营", "一级标签": "城乡建设"},
        # shares an id with a test row
        {"留言编号": "101", "分词文本": "公园 健身 器材 损坏", "一级标签": "城乡建设"},
        # a new id, but the test message NEW[2] segmented, with one character more
        {"留言编号": "900", "分词文本": "工厂 排放 污水 ， 河道 污染 了", "一级标签": "环境保护"},
        # shares a phrase with NEW[2] only: a different message
        {"留言编号": "901", "分词文本": "工厂 排放 污水 ， 居民 要求 环保 部门 查处", "一级标签": "环境保护"},
        # genuinely new
        {"留言编号": "902", "分词文本": "菜市场 油烟 扰民 ， 夜间 经营 噪音 大", "一级标签": "环境保护"},
    ]


def test_select_extra_drops_known_ids_and_near_copies_of_test_messages():
    """The evaluation never learns a test message through the extra file: rows sharing an id
    with a training or test row and near copies (≥ 60 % of the character bigrams) are dropped."""
    columns = ["留言主题", "留言详情"]
    train_rows = rows(TEXTS, LABELS)
    test_rows = rows(NEW, ["交通运输", "教育文体", "环境保护"], start=100)
    texts, labels, excluded = select_extra(
        extra_rows(),
        ["分词文本"],
        "一级标签",
        train_rows,
        [row_text(r, columns) for r in train_rows],
        test_rows,
        [row_text(r, columns) for r in test_rows],
        "留言编号",
    )
    assert texts == ["工厂 排放 污水 ， 居民 要求 环保 部门 查处", "菜市场 油烟 扰民 ， 夜间 经营 噪音 大"]
    assert labels == ["环境保护", "环境保护"]
    assert excluded == 3


def test_select_extra_drops_near_copies_of_training_messages_at_the_60_percent_line():
    """A training message "小区电梯坏了三天没人修" has 10 character bigrams. An extra text with
    3 of its 5 bigrams inside (60 %) is a near copy; with 3 of 6 (50 %) it is not."""
    train_rows = [{"id": "1", "text": "小区电梯坏了三天没人修", "label": "城乡建设"}]
    test_rows = [{"id": "2", "text": "公交车班次太少", "label": "交通运输"}]
    extra = [
        {"id": "10", "text": "电梯坏了修车", "label": "城乡建设"},  # 3 of 5 bigrams
        {"id": "11", "text": "电梯坏了去修车", "label": "城乡建设"},  # 3 of 6
    ]
    texts, _labels, excluded = select_extra(
        extra,
        ["text"],
        "label",
        train_rows,
        [r["text"] for r in train_rows],
        test_rows,
        [r["text"] for r in test_rows],
        "id",
    )
    assert texts == ["电梯坏了去修车"]
    assert excluded == 1


def test_a_segmented_copy_of_a_test_message_without_its_stop_words_is_dropped():
    """The full 附件2 comes segmented with its stop words removed: a copy of a raw test message
    shares few of its longer character grams, but most of its bigrams."""
    test_rows = [{"id": "2", "text": "我们小区的电梯已经坏了三天了，一直没有人来修理", "label": "城乡建设"}]
    train_rows = [{"id": "1", "text": "公交车班次太少", "label": "交通运输"}]
    extra = [{"id": "", "text": "小区 电梯 坏 三天 没有 人来 修理", "label": "城乡建设"}]
    texts, _labels, excluded = select_extra(
        extra, ["text"], "label", train_rows, [r["text"] for r in train_rows], test_rows,
        [r["text"] for r in test_rows], "id",
    )
    assert (texts, excluded) == ([], 1)


def test_extra_training_rows_are_counted_in_the_figures(tmp_path, files):
    """`--extra-train`: the figures say how many extra rows were learnt and how many dropped."""
    train, test = files
    extra = write_csv(tmp_path / "extra.csv", extra_rows())
    result = run(
        "--train",
        str(train),
        "--test",
        str(test),
        "--text",
        "留言主题,留言详情",
        "--label",
        "一级标签",
        "--extra-train",
        str(extra),
        "--extra-text",
        "分词文本",
    )
    assert (result["n_extra_train"], result["n_extra_excluded"]) == (2, 3)
    assert result["version"]["n_train"] == len(TEXTS) + 2


@pytest.mark.shared_data
def test_raw_subset_macro_f1_on_the_fixed_split():
    """The real 1,008/231 split of the TipDM 2020 C subset (issue 5 target 0.90; see report)."""
    if not SHARED.is_file():
        pytest.skip(f"shared data missing: {SHARED}")
    result = run(
        "--train",
        str(SHARED),
        *SPLIT_COLUMNS,
    )
    assert (result["n_train"], result["n_test"]) == (1008, 231)
    assert result["macro_f1"] >= RAW_SUBSET_FLOOR
