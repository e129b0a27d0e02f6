"""Normalisation: NFC, chat shorthand, accent-free equivalence, and the folding search relies on."""
import unicodedata

from voc.text.normalize import analyse, expand_abbreviations, fold_phrase, normalize_text, prepare
from voc.plaintext import fold, strip_diacritics


def test_accented_and_unaccented_text_share_their_folded_syllables():
    accented = analyse("Web bị sập từ sáng, gọi không ai nghe máy")
    bare = analyse("web bi sap tu sang, goi ko ai nghe may")
    assert accented.syllables == bare.syllables
    assert accented.syllables[:3] == ("website", "bi", "sap")


def test_words_keep_their_accents_and_align_with_folded_form():
    doc = analyse("Khách hàng không truy cập được website")
    assert doc.words == ("khách_hàng", "không", "truy_cập", "được", "website")
    assert doc.folded[0] == "khach_hang"
    assert doc.folded == tuple(strip_diacritics(w) for w in doc.words)
    assert len(doc.accented_syllables) == len(doc.syllables)


def test_chat_abbreviations_are_expanded():
    assert prepare("web ko vào dc") == "website không vào được"
    assert prepare("gọi k ai nghe, đc 5 phút thì cúp") == "gọi không ai nghe, được 5 phút thì cúp"
    assert expand_abbreviations("sdt cua e") == "số điện thoại cua em"
    # shorthand only as whole words: "kho" and "dcm" are left alone, "50k" is a number
    assert expand_abbreviations("kho dcm 50k") == "kho dcm 50k"


def test_english_words_and_more_shorthand_become_vietnamese():
    assert prepare("refund chưa về, support ko tl") == "hoàn tiền chưa về, hỗ trợ không trả lời"
    assert prepare("web bi down tu hnay, login ko dc") == "website bi sập tu hôm nay, đăng nhập không được"
    assert prepare("domain expired ma ko ai bao") == "tên miền hết hạn ma không ai bao"


def test_words_that_only_look_like_shorthand_stay():
    # "hỏng" (broken) is a word, not "không"; "mk" and "kt" mean two things each
    assert prepare("ổ cứng hỏng, mk của kt") == "ổ cứng hỏng, mk của kt"
    assert prepare("hong hoc") == "hong hoc"
    # "NS" is a domain's name servers here, not chat "nói"; "hổng" is also the hole of "lỗ hổng"
    assert prepare("đổi NS sang Cloudflare") == "đổi ns sang cloudflare"
    assert prepare("lỗ hổng bảo mật") == "lỗ hổng bảo mật"


def test_more_chat_shorthand_is_expanded():
    assert prepare("web chạy nhg chậm wá") == "website chạy nhưng chậm quá"
    assert prepare("ko phải dns nma web vẫn trắng, sao zậy") == "không phải dns nhưng mà website vẫn trắng, sao vậy"
    assert prepare("nvien kthuat ko rep") == "nhân viên kỹ thuật không trả lời"


def test_typing_slips_that_are_no_words_are_corrected():
    assert prepare("web hkông vào được, khnôg ai nghe") == "website không vào được, không ai nghe"
    assert prepare("vps bị ai đó dùg để spam") == "vps bị ai đó dùng để spam"
    assert prepare("ssl exipred r") == "ssl hết hạn rồi"


def test_more_english_words_become_vietnamese():
    assert prepare("bill sai, muốn cancel contract") == "hóa đơn sai, muốn hủy hợp đồng"
    assert prepare("restore xong thì upgrade, support ko reply") == \
        "khôi phục xong thì nâng cấp, hỗ trợ không trả lời"


def test_nfc_lowercase_and_repeated_letters():
    decomposed = unicodedata.normalize("NFD", "CHẬM QUÁÁÁ")
    assert prepare(decomposed) == "chậm quá"
    assert normalize_text("  Web   SẬP ") == "website sập"


def test_fold_phrase_is_the_accent_free_matching_key():
    assert fold_phrase("Bị trừ TIỀN") == "bi tru tien"
    assert fold_phrase("Đăng ký") == "dang ky"


def test_search_folding_behaviour_is_unchanged():
    assert fold("Mạng CHẬM") == "mang cham"
    assert strip_diacritics("Đường") == "Duong"
    assert fold(None) == ""


def test_empty_text():
    doc = analyse("   ")
    assert doc.words == () and doc.syllables == ()


def test_evidence_is_traced_back_to_the_words_as_typed():
    from voc.text.normalize import as_typed

    text = "Web bi sậpppp từ sáng, gọi ko ai nghe máy!"
    assert as_typed("website bi sap", text) == "Web bi sậpppp"
    assert as_typed("không ai nghe máy", text) == "ko ai nghe máy"
    assert as_typed("hóa đơn", text) == "hóa đơn"                  # not in the text: unchanged
    assert as_typed("", text) == ""


def test_tags_shown_in_the_customers_words():
    from voc.text.tagging import in_customers_words, tag_text

    text = "web bi sap tu sang, goi ko ai nghe may"
    shown = {t.code: t.evidence for t in in_customers_words(tag_text(text), text)}
    assert "web bi sap" in shown["downtime"]
    assert all(e in text for evidence in shown.values() for e in evidence)
