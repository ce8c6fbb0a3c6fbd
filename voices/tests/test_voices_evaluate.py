"""`manage.py voices_evaluate`: figures as JSON, clear errors (issue 5)."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from voices.tests.test_textmodel import LABELS, NEW, TEXTS

SHARED = Path("/work/shared/data/tipdm2020c/labelled_messages.csv")
#: Measured 0.844 macro-F1 on the fixed split (issue 5 report); the floor leaves room for
#: library-version noise, not for a worse pipeline.
RAW_SUBSET_FLOOR = 0.82


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    return path


def rows(texts, labels, split=None, start=1):
    out = []
    for number, (text, label) in enumerate(zip(texts, labels, strict=True), start=start):
        row = {"留言编号": str(number), "留言主题": text[:5], "留言详情": f"\n\t\t\t{text}\n\t\t", "一级标签": label}
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
    result = run("--train", str(train), "--test", str(test), "--text", "留言主题,留言详情", "--label", "一级标签")
    for key in ("accuracy", "macro_f1", "per_class", "train_seconds", "predict_per_second", "n_train", "n_test"):
        assert key in result
    assert (result["n_train"], result["n_test"]) == (len(TEXTS), 3)
    assert result["accuracy"] == 1.0 and result["macro_f1"] == 1.0
    assert set(result["per_class"]) == {"交通运输", "教育文体", "环境保护"}
    assert set(result["per_class"]["交通运输"]) == {"precision", "recall", "f1", "support"}
    assert result["per_class"]["交通运输"]["support"] == 1
    assert result["predict_per_second"] > 0


def test_split_column_and_unlabelled_rows(tmp_path):
    labelled = write_csv(
        tmp_path / "all.csv", rows(TEXTS, LABELS, "train") + rows(NEW, ["交通运输", "教育文体", "环境保护"], "test", 100)
    )
    # one unlabelled row repeats a test message (same id): it must be dropped
    unlabelled = write_csv(
        tmp_path / "unlabelled.csv",
        [{"留言编号": "100", "标题": NEW[0]}, {"留言编号": "500", "标题": "河边有人倒垃圾"}],
    )
    result = run("--train", str(labelled), "--split-column", "split", "--text", "留言主题,留言详情",
                 "--label", "一级标签", "--unlabelled", str(unlabelled), "--unlabelled-text", "标题")
    assert (result["n_train"], result["n_test"]) == (len(TEXTS), 3)
    assert (result["n_unlabelled"], result["n_unlabelled_excluded"]) == (1, 1)


def test_missing_file_is_a_clear_error(files, tmp_path):
    _train, test = files
    with pytest.raises(CommandError, match="no such file"):
        run("--train", str(tmp_path / "nope.csv"), "--test", str(test), "--text", "留言详情", "--label", "一级标签")


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


@pytest.mark.shared_data
def test_raw_subset_macro_f1_on_the_fixed_split():
    """The real 1,008/231 split of the TipDM 2020 C subset (issue 5 target 0.90; see report)."""
    if not SHARED.is_file():
        pytest.skip(f"shared data missing: {SHARED}")
    result = run("--train", str(SHARED), "--split-column", "split", "--text", "留言主题,留言详情",
                 "--label", "一级标签")
    assert (result["n_train"], result["n_test"]) == (1008, 231)
    assert result["macro_f1"] >= RAW_SUBSET_FLOOR
