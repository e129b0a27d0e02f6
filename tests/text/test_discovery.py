"""Discovery: phrases frequent in poorly covered cases, ranked, with examples; glossary terms left out."""
from voc import setup
from voc.cli.bench_tagging import seed_untagged_cases
from voc.text.discovery import discover, rank_phrases

BOTH_BACKENDS = True     # the `db` tests run on DuckDB and on PostgreSQL (tests/conftest.py)

POOR = [(1, "Mail bị dội liên tục từ sáng"), (2, "khách báo mail bị dội, không gửi được báo giá"),
        (3, "mail bi doi het, xu ly gap"), (4, "Xin chào, cổng thanh toán lỗi")]
GOOD = [(10, "Xin chào, web bị sập"), (11, "Xin chào, bị trừ tiền"), (12, "xin chào, hosting chậm")]


def test_frequent_uncovered_phrase_ranks_with_examples():
    found = rank_phrases(POOR, GOOD, glossary_keys=[], min_cases=3)
    assert found, "expected at least one phrase"
    top = found[0]
    assert top.key == "mail bi doi" and top.cases == 3 and top.covered_cases == 0
    assert [case_id for case_id, _ in top.examples] == [1, 2, 3]


def test_phrases_already_in_the_glossary_are_left_out():
    found = rank_phrases(POOR, GOOD, glossary_keys=["mail bi doi"], min_cases=3)
    assert all("mail bi doi" not in c.key for c in found)


def test_discover_reads_cases_and_their_tags(db):
    setup.ensure_defaults(db)
    seed_untagged_cases(db, [text for _, text in POOR])
    found = discover(db, min_cases=3)
    assert found and found[0].key == "mail bi doi"


def test_each_text_is_chunked_once_per_process(monkeypatch):
    from voc.text import discovery, normalize

    calls = []
    real_chunk = normalize.underthesea_function("chunk")
    monkeypatch.setitem(normalize._underthesea_loaded, "chunk", lambda text: calls.append(text) or real_chunk(text))
    discovery._phrases.cache_clear()
    first = rank_phrases(POOR, GOOD, glossary_keys=[], min_cases=3)
    assert len(calls) == len(POOR)
    again = rank_phrases(POOR, GOOD, glossary_keys=["cong thanh toan"], min_cases=3)
    assert len(calls) == len(POOR)                     # the refresh after a glossary edit re-chunks nothing
    assert [c.key for c in again] == [c.key for c in first if "cong thanh toan" not in c.key]


def test_overlapping_windows_of_one_phrase_are_shown_once():
    poor = [(1, "mail den cham ca tieng moi nhan"), (2, "sang nay mail den cham ca tieng moi nhan, bao gap"),
            (3, "mail den cham ca tieng moi nhan duoc")]
    found = rank_phrases(poor, GOOD, glossary_keys=[], min_cases=3)
    windows = [c.key for c in found if "ca tieng" in c.key]
    assert len(windows) == 1, [c.key for c in found]


def test_runs_that_start_or_end_on_a_function_word_are_not_offered():
    poor = POOR + [(5, "mail bị trả về hoài"), (6, "sáng nay mail bị trả về"), (7, "mail bị chặn rồi")]
    found = rank_phrases(poor, GOOD, glossary_keys=[], min_cases=3)
    keys = [c.key for c in found]
    assert "mail bi doi" in keys
    assert "mail bi" not in keys            # in 6 cases, more than any longer phrase, but a fragment


# --- #14, 25: generic words and dismissed noise ------------------------------------------------

GENERIC_POOR = [(20 + i, text) for i, text in enumerate([
    "Đề nghị giải thích, mail bị dội liên tục", "Yêu cầu giải thích vì sao mail bị dội",
    "mail bi doi, giai thich giup", "Mong bên bạn giải thích và kiểm tra lại", "giải thích rõ, kiểm tra lại giúp",
    "Hãy giải thích, kiểm tra lại hệ thống"])]


def test_generic_request_verbs_do_not_top_the_list():
    found = rank_phrases(GENERIC_POOR, GOOD, glossary_keys=[], min_cases=3)
    keys = [c.key for c in found]
    assert keys[0] == "mail bi doi", keys
    assert not {"giai thich", "kiem tra lai", "kiem tra", "giai thich vi sao"} & set(keys)


def test_a_dismissed_phrase_stays_out_of_every_later_run_and_is_audited(db, qa):
    from voc.store.audit import events_for
    from voc.text import discovery

    setup.ensure_defaults(db)
    seed_untagged_cases(db, [text for _, text in POOR])
    assert discover(db, min_cases=3)[0].key == "mail bi doi"
    with db.transaction() as cur:
        discovery.dismiss(cur, qa, "Mail bị DỘI", note="lời chung")
    assert "mail bi doi" not in [c.key for c in discover(db, min_cases=3)]
    with db.cursor() as cur:
        [kept] = discovery.dismissed_phrases(cur)
        [event] = events_for(cur, "dismissed_phrase", "mail bi doi")
    assert (kept.key, kept.phrase, kept.dismissed_by) == ("mail bi doi", "Mail bị DỘI", "qa1")
    assert (event.actor, event.action, event.after, event.note) == ("qa1", "dismissed", {"phrase": "Mail bị DỘI"},
                                                                    "lời chung")
    with db.transaction() as cur:
        discovery.restore(cur, qa, "mail bi doi")
    assert discover(db, min_cases=3)[0].key == "mail bi doi"
