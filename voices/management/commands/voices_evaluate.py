"""Evaluate the message classifier on a fixed split and print the figures as JSON.

    python manage.py voices_evaluate --train TRAIN.csv --test TEST.csv \\
        --text 留言主题,留言详情 --label 一级标签
    python manage.py voices_evaluate --train labelled_messages.csv --split-column split \\
        --text 留言主题,留言详情 --label 一级标签 [--unlabelled a3.csv --unlabelled-text 留言主题,留言详情]
        [--extra-train attachment2_full_segmented.csv --extra-text 分词文本 --extra-split-column split]

--extra-train adds labelled rows to the training set (only the rows whose --extra-split-column
is --extra-train-value, when given), minus every row that shares an id with a training or test
row or is a near copy of one: the test messages are never learnt.

The model is exactly the production one (voices.textmodel.classifier.TextClassifier).
Only the --text columns are read as features: never row numbers or ids.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from voices.textmodel.evaluate import EvaluationError, evaluate, read_csv, split_rows


def _columns(value: str) -> list[str]:
    return [c.strip() for c in (value or "").split(",") if c.strip()]


class Command(BaseCommand):
    help = "Train the message classifier on one CSV (or split) and report accuracy and macro-F1 on another."

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True, help="training CSV (UTF-8); with --split-column, the one CSV")
        parser.add_argument("--test", help="test CSV (not needed with --split-column)")
        parser.add_argument("--text", required=True, help="text column(s), comma-separated; the first is the title")
        parser.add_argument("--label", required=True, help="label column")
        parser.add_argument("--split-column", help="take train/test rows from --train by this column's value")
        parser.add_argument("--train-value", default="train")
        parser.add_argument("--test-value", default="test")
        parser.add_argument("--unlabelled", action="append", default=[], help="unlabelled CSV (may repeat)")
        parser.add_argument("--unlabelled-text", help="text column(s) of the unlabelled CSVs (default: --text)")
        parser.add_argument("--extra-train", action="append", default=[], help="extra labelled CSV (may repeat)")
        parser.add_argument("--extra-text", help="text column(s) of the extra CSVs (default: --text)")
        parser.add_argument("--extra-split-column", help="take only the extra rows whose column has --extra-train-value")
        parser.add_argument("--extra-train-value", default="train")
        parser.add_argument("--id-column", default="留言编号", help="id column used to drop unlabelled test rows")
        parser.add_argument("--indent", type=int, default=2)

    def _read(self, path: str) -> list[dict]:
        if not Path(path).is_file():
            raise CommandError(f"no such file: {path}")
        try:
            return read_csv(path)
        except (UnicodeDecodeError, OSError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc

    def handle(self, *args, **options):
        text_columns = _columns(options["text"])
        if not text_columns:
            raise CommandError("--text names no column")
        label = options["label"].strip()
        train_rows = self._read(options["train"])
        if options["split_column"]:
            if options["test"]:
                raise CommandError("give either --test or --split-column, not both")
            try:
                train_rows, test_rows = split_rows(
                    train_rows, options["split_column"], options["train_value"], options["test_value"]
                )
            except EvaluationError as exc:
                raise CommandError(str(exc)) from exc
            if not train_rows or not test_rows:
                raise CommandError(
                    f"--split-column {options['split_column']} gives {len(train_rows)} training and "
                    f"{len(test_rows)} test rows"
                )
        else:
            if not options["test"]:
                raise CommandError("--test is required without --split-column")
            test_rows = self._read(options["test"])
        unlabelled = []
        for path in options["unlabelled"]:
            unlabelled.extend(self._read(path))
        extra = []
        for path in options["extra_train"]:
            rows = self._read(path)
            if options["extra_split_column"]:
                column = options["extra_split_column"]
                if rows and column not in rows[0]:
                    raise CommandError(f"{path} has no column {column!r}")
                rows = [r for r in rows if (r.get(column) or "").strip() == options["extra_train_value"]]
            extra.extend(rows)
        try:
            result = evaluate(
                train_rows,
                test_rows,
                text_columns,
                label,
                unlabelled_rows=unlabelled or None,
                unlabelled_text_columns=_columns(options["unlabelled_text"]) or None,
                extra_train_rows=extra or None,
                extra_text_columns=_columns(options["extra_text"]) or None,
                id_column=options["id_column"] or None,
            )
        except (EvaluationError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=options["indent"] or None))
