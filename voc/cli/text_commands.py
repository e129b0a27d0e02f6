"""Theme-engine commands for `python -m voc`: tag, evaluate, retrain, backfill, discover, bench --tagging.

voc.cli calls `register(subparsers)`; every handler is a few lines over the library and returns
an exit code.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from voc.cli.database import open_database
from voc.progress import console_progress as _progress

_BENCH_FLAGS = ("--bench-texts", "--repeats", "--backfill-cases")


def _open(args):
    return open_database(args, defaults=True)


def cmd_tag(args) -> int:
    from voc.text.tagging import in_customers_words, tag_text, tagger_for

    if args.csv:
        return _tag_csv(args)
    if args.text is None:
        print("Cần một đoạn văn bản, hoặc --csv TỆP.", file=sys.stderr)
        return 2
    if args.defaults:
        tags = tag_text(args.text)
    else:
        db = _open(args)
        with db.cursor() as cur:
            tags = tagger_for(cur).tag(args.text)
    tags = in_customers_words(tags, args.text)
    print(json.dumps([t.as_dict() for t in tags], ensure_ascii=False, indent=2))
    return 0


CSV_BATCH = 256


def _tag_csv(args) -> int:
    """Every row of the CSV's `text` column, one JSON object a line, in one process: its themes, its
    sentiment (label, negativity and evidence) and its escalation flag (categories and evidence).
    `row` is the data row's 0-based index (the header not counted)."""
    import csv

    from voc.text.csv_tagging import tag_rows
    from voc.text.tagging import default_tagger, tagger_for

    if args.defaults:
        tagger = default_tagger()
    else:
        with _open(args).cursor() as cur:
            tagger = tagger_for(cur)
    try:
        handle = Path(args.csv).open(encoding="utf-8-sig", newline="")
    except OSError as error:
        print(f"Không mở được tệp {args.csv}: {error}", file=sys.stderr)
        return 2
    with handle:
        reader = csv.DictReader(handle)
        if "text" not in (reader.fieldnames or []):
            print(f"Tệp {args.csv} không có cột text.", file=sys.stderr)
            return 2
        try:
            for line in tag_rows(tagger, (row.get("text") or "" for row in reader), batch=CSV_BATCH):
                sys.stdout.write(line + "\n")
            sys.stdout.flush()
        except BrokenPipeError:          # the reader stopped early (`| head`): not an error
            sys.stderr.close()
    return 0


def cmd_evaluate(args) -> int:
    from voc.text.evaluate import evaluate, format_report, load_labelled_csv
    from voc.text.sentiment import has_sentiment_column

    if len(args.test) > 1 and not args.tagging:
        print("Chỉ --tagging nhận nhiều tệp --test.")
        return 2
    with_sentiment = has_sentiment_column(args.train) and has_sentiment_column(args.test[0])
    if args.sentiment:
        if not with_sentiment:
            print("Cả hai tệp cần cột sentiment.", file=sys.stderr)
            return 2
        return _evaluate_sentiment(args)
    train_texts, train_labels = load_labelled_csv(args.train)
    if args.tagging:
        return _evaluate_tagging(args, train_texts, train_labels)
    test_texts, test_labels = load_labelled_csv(args.test[0])
    report = evaluate(train_texts, train_labels, test_texts, test_labels, seed=args.seed)
    if args.in_domain_check:
        from voc.text.evaluate import in_domain_check

        check = in_domain_check(train_texts, train_labels, test_texts, test_labels, folds=args.in_domain_check,
                                seed=args.seed)
        print(f"In-domain check (a diagnostic, not the benchmark): each of {args.in_domain_check} folds of the "
              f"test file predicted by a model trained on the training file plus the other folds: "
              f"accuracy={check.accuracy:.4f} macro_f1={check.macro_f1:.4f}\n")
    print(format_report(report))
    if with_sentiment:
        print()
        _evaluate_sentiment(args)
    return 0


def _evaluate_sentiment(args) -> int:
    from voc.text.sentiment import load_sentiment_csv
    from voc.text.sentiment_eval import evaluate_sentiment

    report = evaluate_sentiment(*load_sentiment_csv(args.train), *load_sentiment_csv(args.test[0]),
                                seed=args.seed)
    print(report.format())
    return 0


def _evaluate_tagging(args, train_texts, train_labels) -> int:
    """Held-out reports (one fit for every --test file), then with --cv the K-fold figures, each
    fold's model choosing its regularisation from {the full model's C} (its thresholds by its own
    inner cross-validation), which keeps K folds to about the cost of K fits."""
    import time

    from voc.text.evaluate import tagging_pair, cross_validate_tagging, load_labelled_csv
    from voc.text.groups import load_sources

    sources = load_sources(args.train)
    started = time.perf_counter()
    pair = tagging_pair(train_texts, train_labels, True, args.seed, sources=sources)
    print(f"fit: {time.perf_counter() - started:.0f} s, C={pair.c:g}")
    for path in args.test:
        report = pair.report(*load_labelled_csv(path))
        print(report.format(f"trained on {args.train}, tested on {path}"))
        print(report.summary_line() + "\n")
    if args.cv:
        folds = cross_validate_tagging(train_texts, train_labels, folds=args.cv, seed=args.seed, c_grid=(pair.c,),
                                       sources=sources)
        print(folds.format(f"{args.cv}-fold cross-validation on {args.train}, grouped by source message"))
        print(folds.summary_line())
    return 0


def cmd_panel(args) -> int:
    from voc.cli.panel import run

    try:
        run(args.only, bank_test=args.bank_test, bank_dir=args.bank_dir)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def cmd_retrain(args) -> int:
    from voc.accounts.access import SYSTEM
    from voc.text.classifier import retrain

    db = _open(args)
    report = retrain(db, SYSTEM, force=args.force)
    print(report.message())
    if not args.no_curve:
        from voc.text.learning import format_curve, learning_curve

        for line in format_curve(*learning_curve(db)):
            print(line)
    print(json.dumps({"cv_score": report.cv_score, "previous_score": report.previous_score,
                      "kept_previous": report.kept_previous, "model_id": report.model_id,
                      "n_examples": report.n_examples}))
    return 0


def cmd_backfill(args) -> int:
    from voc.text.retag import retag_cases

    report = retag_cases(_open(args), workers=args.workers, batch_size=args.batch_size,
                         progress=_progress("Gắn chủ đề"))
    print(file=sys.stderr)
    print("\n".join(report.lines(shown=args.show_cases)))
    return 0


def cmd_discover(args) -> int:
    from voc.text.discovery import discover

    found = discover(_open(args), coverage=args.coverage, min_cases=args.min_cases, limit=args.limit)
    if args.json:
        print(json.dumps([{"phrase": c.phrase, "cases": c.cases, "covered_cases": c.covered_cases,
                           "score": round(c.score, 3), "examples": c.examples} for c in found],
                         ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("Không có cụm từ nào nổi bật trong các hồ sơ chưa được gắn chủ đề rõ ràng.")
    for c in found:
        print(f"{c.phrase}\t{c.cases} hồ sơ chưa rõ chủ đề, {c.covered_cases} hồ sơ đã rõ\tđiểm {c.score:.2f}")
        for case_id, snippet in c.examples:
            print(f"    #{case_id}: {snippet}")
    return 0


def add_tagging_bench_args(parser: argparse.ArgumentParser) -> None:
    """Options of `bench --tagging` (added to the main CLI's bench subcommand)."""
    existing = {opt for action in parser._actions for opt in action.option_strings}
    if "--bench-texts" in existing:
        return
    parser.add_argument("--bench-texts", default=None,
                        help="CSV có cột text dùng để đo (mặc định: tập kiểm tra uts2017_bank)")
    parser.add_argument("--repeats", type=int, default=5, help="số lần đo gắn chủ đề (lấy trung vị)")
    parser.add_argument("--backfill-cases", type=int, default=2000, help="số hồ sơ cho phép đo backfill")


def run_tagging_bench(args) -> int:
    from voc.cli.bench_tagging import load_texts, run

    texts = load_texts(Path(args.bench_texts) if getattr(args, "bench_texts", None) else None)
    result = run(texts, repeats=getattr(args, "repeats", 5) or 5,
                 backfill_cases=getattr(args, "backfill_cases", 2000) or 2000)
    for line in result.lines():
        print(line)
    return 0


def register(subparsers, common: argparse.ArgumentParser) -> None:

    tag = subparsers.add_parser("tag", parents=[common], help="gắn chủ đề cho một đoạn văn bản (JSON)")
    tag.add_argument("text", nargs="?")
    tag.add_argument("--defaults", action="store_true",
                     help="dùng bộ chủ đề, từ điển và mô hình mặc định thay vì cơ sở dữ liệu")
    tag.add_argument("--csv", metavar="FILE",
                     help="gắn chủ đề, cảm xúc và rủi ro khiếu nại vượt cấp cho mọi dòng của cột text; "
                          "mỗi dòng in một đối tượng JSON")
    tag.set_defaults(func=cmd_tag)

    ev = subparsers.add_parser("evaluate", help="đánh giá bộ phân loại trên CSV có nhãn (text, labels)")
    ev.add_argument("--train", required=True)
    ev.add_argument("--test", required=True, nargs="+", help="với --tagging có thể nhiều tệp (một lần huấn luyện)")
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument("--in-domain-check", type=int, metavar="K", default=0,
                    help="chẩn đoán dữ liệu: thêm K-1 phần của tệp kiểm tra vào dữ liệu huấn luyện, dự đoán phần còn lại")
    ev.add_argument("--tagging", action="store_true",
                    help="đánh giá bộ gắn chủ đề mặc định (từ điển + ví dụ mẫu + tệp huấn luyện), "
                         "dòng không có nhãn là thư cảm ơn, câu hỏi bán hàng…")
    ev.add_argument("--sentiment", action="store_true",
                    help="chỉ đánh giá cảm xúc (cột sentiment) cạnh mô hình cơ sở; không có cờ này, tệp có cột "
                         "sentiment được đánh giá cả chủ đề lẫn cảm xúc")
    ev.add_argument("--cv", type=int, metavar="K", default=0,
                    help="với --tagging: thêm kiểm định chéo K phần trên tệp huấn luyện")
    ev.set_defaults(func=cmd_evaluate)

    from voc.cli.panel import add_args as add_panel_args

    pn = subparsers.add_parser("panel", help="bảng kiểm tra tính tổng quát: bộ phân loại so với mô hình cơ sở "
                                             "trên mọi tập có nhãn (voc/cli/panel.py)")
    add_panel_args(pn)
    pn.set_defaults(func=cmd_panel)

    rt = subparsers.add_parser("retrain", parents=[common],
                               help="huấn luyện lại mô hình chủ đề từ các hiệu chỉnh của QA")
    rt.add_argument("--force", action="store_true", help="dùng mô hình mới kể cả khi điểm thấp hơn")
    rt.add_argument("--no-curve", action="store_true",
                    help="bỏ qua đường học (điểm khi huấn luyện với 100, 300 và 1.000 hồ sơ đã gắn nhãn)")
    rt.set_defaults(func=cmd_retrain)

    bf = subparsers.add_parser("backfill", parents=[common], help="gắn lại chủ đề cho mọi hồ sơ")
    bf.add_argument("--workers", type=int, default=2)
    bf.add_argument("--batch-size", type=int, default=250)
    bf.add_argument("--show-cases", type=int, default=20, metavar="N",
                    help="số mã hồ sơ liệt kê cho mỗi chủ đề được thêm hoặc bớt (mặc định 20)")
    bf.set_defaults(func=cmd_backfill)

    dc = subparsers.add_parser("discover", parents=[common],
                               help="cụm từ khách hàng hay dùng trong các hồ sơ chưa rõ chủ đề")
    dc.add_argument("--coverage", type=float, default=0.6)
    dc.add_argument("--min-cases", type=int, default=3)
    dc.add_argument("--limit", type=int, default=30)
    dc.add_argument("--json", action="store_true")
    dc.set_defaults(func=cmd_discover)

    bench = subparsers.choices.get("bench")
    if bench is not None:
        add_tagging_bench_args(bench)
