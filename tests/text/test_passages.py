"""Passage-level tagging of long letters (voc.text.passages): splitting, and the shipped tagger's
reading of a long letter sentence by sentence. Short texts are tagged exactly as before."""
from voc.text import passages
from voc.text.normalize import analyse
from voc.text.passages import PassageKind, own_passages, split
from voc.text.tagging import default_tagger


def _kinds(text: str) -> list[tuple[str, str]]:
    doc = analyse(text)
    return [(p.kind.value, " ".join(doc.words[i] for i in p.words)) for p in split(doc)]


def _whole_only(text: str, monkeypatch):
    """The shipped tagger reading the text as one bag of words (as before passages)."""
    with monkeypatch.context() as m:
        m.setattr(passages, "MIN_PASSAGES", 10 ** 6)
        return default_tagger().tag(text)


def test_a_reply_quoted_after_a_reply_verb_is_not_the_customers_words_but_an_error_string_is():
    kinds = _kinds("Web của em báo lỗi 'This site can't be reached' từ sáng. Em hỏi thì bạn hỗ trợ trả lời: "
                   "'Do gói của chị hết dung lượng, chị nâng cấp nhé'. Em kiểm tra thì ổ cứng còn trống.")
    assert kinds[0][0] == "own" and "this site can't be reached" in kinds[0][1].replace("_", " ")
    assert kinds[1] == ("own", "em hỏi thì bạn hỗ_trợ trả_lời")       # the reply itself left out
    assert kinds[2][0] == "own"
    doc = analyse("Em hỏi thì bạn hỗ trợ trả lời: 'Do gói của chị hết dung lượng'. Thật là vô lý.")
    quoted = {i for p in split(doc) for i in p.words if p.kind is PassageKind.OWN}
    assert "dung_lượng" not in {doc.words[i] for i in quoted}


def test_greeting_sign_off_signature_and_an_email_thread_are_no_complaint_passages():
    kinds = _kinds("Chào anh chị, em là Hằng bên tiệm hoa. Web tiệm em không vào được từ sáng. Khách đặt hoa "
                   "không được. Trân trọng, Hằng, 0908 112 233. > Vào lúc 9:00, BKNS đã viết: Web của chị chạy bình "
                   "thường ạ.")
    assert kinds[0] == ("formula", "chào anh_chị")
    assert [k for k, _ in kinds] == ["formula", "own", "own", "own", "formula", "quoted"]
    assert kinds[-1][1].startswith("vào lúc")
    kinds = _kinds("Gửi mail không đi được, khách không nhận. Web cũng chậm. Cảm thấy rất thất vọng. Em cảm ơn.")
    assert [k for k, _ in kinds] == ["own", "own", "own", "formula"]     # no greeting, "cảm thấy" no thanks
    assert _kinds("Web hien thi tieng viet: loi font. Da sua. Van loi.")[0][0] == "own"   # "Việt:", no thread


def test_a_domains_dot_ends_no_sentence_and_short_texts_have_no_passages():
    assert len(own_passages(analyse("Web hoamai.vn sập. Gọi không ai nghe. Khách phàn nàn suốt."))) == 3
    assert own_passages(analyse("Chào anh chị, web sập từ sáng. Gọi tổng đài không ai nghe máy. Cảm ơn!")) == []


def test_short_texts_are_tagged_exactly_as_before(monkeypatch):
    for text in ("Web bị sập từ sáng. Gọi tổng đài không ai nghe máy.",
                 "Chào anh chị, em là Tuấn. Từ 6h sáng nay trang hoamai.vn vào không lên. Cảm ơn!",
                 "hoa don thang nay tinh sai, bi tru tien 2 lan"):
        assert default_tagger().tag(text) == _whole_only(text, monkeypatch)


LETTER = ("Em chào anh chị. Em bán mỹ phẩm online, web chạy trên hosting bên mình được hai năm. Hôm qua em gia "
          "hạn hosting thì thẻ bị trừ tiền hai lần, mỗi lần 1.200.000 đồng. Trên trang quản lý chỉ hiện một hóa "
          "đơn. Hosting thì đã gia hạn xong, chạy bình thường. Em chỉ cần được trả lại khoản bị trừ thừa.")


def test_a_theme_named_in_passing_is_dropped_and_the_complained_one_kept(monkeypatch):
    before = {t.code for t in _whole_only(LETTER, monkeypatch)}
    after = {t.code for t in default_tagger().tag(LETTER)}
    assert {"billing", "renewal"} <= before          # "đã gia hạn xong, chạy bình thường" read as renewal
    assert "billing" in after and "renewal" not in after


def test_the_evidence_of_a_theme_comes_from_the_passage_that_supports_it(monkeypatch):
    sentence = analyse("Hôm qua em gia hạn hosting thì thẻ bị trừ tiền hai lần, mỗi lần 1.200.000 đồng.").text
    billing = next(t for t in default_tagger().tag(LETTER) if t.code == "billing")
    before = next(t for t in _whole_only(LETTER, monkeypatch) if t.code == "billing")
    assert billing.evidence and all(word in sentence for word in billing.evidence)
    assert not all(word in sentence for word in before.evidence)      # "hóa đơn", from another sentence


def test_a_support_reply_quoted_in_a_long_letter_gives_no_theme(monkeypatch):
    letter = ("Mình dùng VPS bên này được một năm. Tuần này VPS cứ chạy được vài tiếng là sập, không truy cập được. "
              "Mình hỏi hỗ trợ thì bạn ấy trả lời: \"Do gói của anh hết dung lượng ổ cứng, anh nâng cấp gói nhé\". "
              "Mình kiểm tra thì ổ cứng còn trống 60%. Web của mình vẫn sập mỗi ngày, khách phàn nàn liên tục. "
              "Mong được kiểm tra lại.")
    before = {t.code for t in _whole_only(letter, monkeypatch)}
    after = {t.code for t in default_tagger().tag(letter)}
    assert "migration" in before                     # "nâng cấp gói", the support's words
    assert "downtime" in after and "migration" not in after
