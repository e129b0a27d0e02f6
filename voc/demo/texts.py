"""Vietnamese text material for the demo history (voc.demo): complaint themes with the fragments
customers' texts are built from, customer names and addresses, letter phrases, follow-up notes.

Texts are composed from fragments, and every fragment is prepared once in several writing styles:
accented, accented chat ("ko", "đc", "j", "mik"), without diacritics, without diacritics + chat,
and formal ("tôi", "Quý công ty"), each also with one typo variant. Each prepared string carries its
folded twin (voc.text.fold semantics without trimming), so a whole text's search key is assembled
from pieces instead of folding a million texts.
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field

from voc.model import IssueKind, Service
from voc.plaintext import strip_diacritics

# --- writing styles ---------------------------------------------------------------------------

ACCENT, CHAT, PLAIN, PLAIN_CHAT, FORMAL = range(5)
N_STYLES = 5
N_VARIANTS = 2  # 0 = as written, 1 = with one typo

# Chat abbreviations customers use; one replacement is chosen per fragment and style.
_ABBREVIATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("như thế nào", ("ntn",)),
    ("anh em", ("ae",)),
    ("bây giờ", ("bh", "bjo")),
    ("điện thoại", ("đt",)),
    ("khách hàng", ("KH", "khách")),
    ("trả lời", ("tl", "rep")),
    ("không", ("ko", "k", "hok", "kg")),
    ("được", ("đc", "dc")),
    ("gì", ("j",)),
    ("mình", ("mik", "mk")),
    ("với", ("vs",)),
    ("rồi", ("r", "rùi")),
    ("biết", ("bít",)),
    ("vậy", ("v",)),
    ("nhé", ("nha", "nhá")),
    ("thôi", ("thui",)),
    ("quá", ("wá", "quá")),
    ("tại sao", ("sao",)),
)
_ABBREV_RE = re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k, _ in _ABBREVIATIONS) + r")(?!\w)")
_ABBREV = dict(_ABBREVIATIONS)

# Formal register for letters sent by post and receipts written at a branch.
_FORMAL: tuple[tuple[str, str], ...] = (
    ("bên bạn", "Quý công ty"), ("các bạn", "Quý công ty"), ("mình", "tôi"), ("mik", "tôi"),
    ("ko", "không"), ("k", "không"), ("đc", "được"), ("dc", "được"),
)
_FORMAL_RE = re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k, _ in _FORMAL) + r")(?!\w)")
_FORMAL_MAP = dict(_FORMAL)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold_piece(text: str) -> str:
    """voc.text.fold without collapsing or trimming spaces: folding is then compositional."""
    return strip_diacritics(nfc(text)).lower()


def _chat(text: str, rng: random.Random) -> str:
    def swap(match: re.Match) -> str:
        word = match.group(1)
        return rng.choice(_ABBREV[word]) if rng.random() < 0.8 else word

    return _ABBREV_RE.sub(swap, text)


def _formal(text: str) -> str:
    return _FORMAL_RE.sub(lambda m: _FORMAL_MAP[m.group(1)], text)


_TYPO_WORD = re.compile(r"(?<![{\w])([^\W\d_]{4,})(?![\w}])")


def _typo(text: str, rng: random.Random) -> str:
    """One typing slip in one word: two letters swapped, a letter dropped or doubled."""
    words = list(_TYPO_WORD.finditer(text))
    if not words:
        return text
    match = rng.choice(words)
    word = match.group(1)
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        slipped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    elif op == 1:
        slipped = word[:i] + word[i + 1:]
    else:
        slipped = word[:i] + word[i] + word[i:]
    return text[:match.start(1)] + slipped + text[match.end(1):]


@dataclass(frozen=True)
class Styled:
    """One fragment in every style and variant: display[style][variant], the same in sentence case,
    and the folded twin."""

    display: tuple[tuple[str, ...], ...]
    sentence: tuple[tuple[str, ...], ...]
    folded: tuple[tuple[str, ...], ...]


def styled(text: str, rng: random.Random) -> Styled:
    base = nfc(text.strip())
    chat = _chat(base, rng)
    forms = [base, chat, strip_diacritics(base), strip_diacritics(chat), _formal(base)]
    display = tuple((form, _typo(form, rng)) for form in forms)
    sentence = tuple(tuple(capitalize(v) for v in variants) for variants in display)
    folded = tuple(tuple(fold_piece(v) for v in variants) for variants in display)
    return Styled(display, sentence, folded)


def capitalize(text: str) -> str:
    """Sentence case, leaving words such as "cPanel" or "iPhone" alone."""
    first = text.split(" ", 1)[0]
    if any(ch.isupper() for ch in first):
        return text
    return text[:1].upper() + text[1:]


# --- services as customers name them ------------------------------------------------------------

SERVICE_WORDS: dict[Service, tuple[str, ...]] = {
    Service.HOSTING: ("hosting", "host", "gói hosting", "web", "website", "trang web"),
    Service.VPS: ("VPS", "con VPS", "server VPS", "máy chủ ảo", "vps"),
    Service.DOMAIN: ("tên miền", "domain", "tên miền .vn", "domain .com"),
    Service.EMAIL: ("email", "mail công ty", "email doanh nghiệp", "hộp thư", "mail server"),
    Service.SSL: ("SSL", "chứng chỉ SSL", "https", "cert SSL"),
    Service.CLOUD: ("cloud server", "máy chủ cloud", "server cloud", "cloud"),
    Service.OTHER: ("dịch vụ", "tài khoản", "gói dịch vụ"),
}

DURATIONS = (
    "từ sáng đến giờ", "từ tối qua", "2 ngày nay", "mấy hôm nay", "cả tuần nay", "từ hôm qua",
    "hơn 3 tiếng", "từ 8h sáng", "từ đêm qua", "liên tục mấy ngày", "từ thứ 7 tuần trước", "hơn 1 tuần",
    "gần 2 tiếng", "từ chiều qua", "suốt cả buổi sáng",
)

SITES = (
    "shopthoitrang.vn", "nhakhoasaigon.com", "noithatminhphat.vn", "dulichbienxanh.com", "giasuhanoi.edu.vn",
    "thucphamsach24h.vn", "anphatgroup.com.vn", "spahoamai.vn", "xaydunghoabinh.vn", "phukienmobile.vn",
    "banhngotngon.com", "luatsudonga.vn", "oto-daiviet.com", "hocvienanhngu.edu.vn", "cafesaomai.vn",
    "nongsanvietxanh.com", "inanthanhcong.vn", "baohiemphuthinh.vn", "dienmaytanphat.com", "mypham-thienan.vn",
)


# --- themes -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Theme:
    """A kind of complaint a hosting company sees: its words, its services, what customers ask."""

    key: str
    label: str
    kind: IssueKind
    share: float
    services: dict[Service, float]
    problems: tuple[str, ...]   # "svc1,svc2|text" restricts a template to those services
    details: tuple[str, ...]
    requests: tuple[str, ...]
    causes: tuple[str, ...]     # for reply letters: the verified cause
    fixes: tuple[str, ...]      # for reply letters: what was done


H, V, D, E, S, C, O = (Service.HOSTING, Service.VPS, Service.DOMAIN, Service.EMAIL, Service.SSL,
                       Service.CLOUD, Service.OTHER)
Q, B = IssueKind.QUALITY, IssueKind.BUSINESS

THEMES: tuple[Theme, ...] = (
    Theme(
        "downtime", "Gián đoạn dịch vụ", Q, 0.13, {H: 0.55, V: 0.22, C: 0.13, E: 0.10},
        (
            "{svc} của mình bị sập {dur}",
            "hosting,vps,cloud|web {site} không truy cập được {dur}",
            "{svc} chết {dur}, vào toàn báo lỗi 503",
            "hosting|website {site} báo lỗi 500 Internal Server Error {dur}",
            "{svc} cứ chập chờn, lúc vào được lúc không",
            "{svc} bị down {dur}, khách không vào được",
            "hosting|vào web thì báo This site can't be reached",
            "vps,cloud|con VPS mất kết nối {dur}, ping IP không được",
            "vps,cloud|server bị treo, reboot trong trang quản trị cũng không lên",
            "hosting|web {site} báo lỗi Error establishing a database connection {dur}",
            "hosting|trang web {site} sập mấy lần trong ngày",
            "email|mail server không hoạt động {dur}, không gửi nhận được mail nào",
            "{svc} không hoạt động {dur} mà không có thông báo bảo trì",
        ),
        (
            "kiểm tra thì DNS vẫn trỏ đúng IP", "trang status của bên bạn vẫn báo bình thường",
            "mình đã xóa cache, thử nhiều trình duyệt và cả 4G rồi", "bên bạn có thông báo bảo trì gì đâu",
            "đây là lần thứ 3 trong tháng", "check trên mấy trang kiểm tra online đều báo down",
            "uptime cam kết 99,9% mà tháng này sập liên tục",
        ),
        ("khắc phục ngay để web hoạt động lại", "giải thích nguyên nhân sự cố",
         "bồi thường thời gian gián đoạn dịch vụ",
         "cộng thêm thời gian sử dụng tương ứng thời gian bị sập", "cam kết không để tái diễn"),
        ("máy chủ đặt dịch vụ của Quý khách gặp sự cố phần cứng (bộ nguồn) lúc {time}",
         "một bản cập nhật hệ điều hành trên máy chủ gây xung đột dịch vụ web",
         "cụm máy chủ bị quá tải do một tài khoản khác dùng vượt tài nguyên"),
        ("thay thế linh kiện và đưa dịch vụ hoạt động trở lại", "chuyển dịch vụ sang máy chủ dự phòng",
         "giới hạn tài nguyên tài khoản gây quá tải và bổ sung cảnh báo giám sát"),
    ),
    Theme(
        "slowness", "Tốc độ chậm", Q, 0.09, {H: 0.55, V: 0.25, C: 0.20},
        (
            "{svc} chậm kinh khủng {dur}",
            "hosting|web {site} load rất chậm, mất cả 20 giây mới mở được trang chủ",
            "{svc} chạy ì ạch, CPU lúc nào cũng 100%",
            "hosting|trang quản trị WordPress vào rất lâu, hay bị timeout",
            "tốc độ {svc} quá chậm so với gói đã đăng ký",
            "bandwidth bị giới hạn hay sao mà tải file rất chậm",
            "vps,cloud|VPS bị giật lag, ping lên tới 300ms",
            "vps,cloud|ổ cứng đọc ghi chậm, IO wait lúc nào cũng cao",
            "{svc} ban ngày thì bình thường nhưng tối là chậm hẳn",
            "web bị chậm từ khi bên bạn chuyển server",
        ),
        (
            "đã tắt hết plugin WordPress mà vẫn chậm", "test trên PageSpeed chỉ được 20 điểm",
            "TTFB lên tới 5 giây", "lượng truy cập không tăng gì cả", "đã tối ưu ảnh, bật cache rồi",
        ),
        ("kiểm tra và tối ưu lại server", "chuyển sang máy chủ khác ổn định hơn", "nâng cấp tài nguyên miễn phí",
         "giải thích vì sao chậm", "giảm giá tháng này vì dịch vụ không đúng cam kết"),
        ("máy chủ có một tài khoản bị tấn công làm tăng tải CPU",
         "ổ cứng của máy chủ xuống cấp làm chậm đọc ghi dữ liệu",
         "cấu hình bộ nhớ đệm (cache) trên máy chủ chưa phù hợp với mã nguồn website"),
        ("chuyển dịch vụ sang máy chủ mới dùng ổ SSD", "xử lý tài khoản gây tải và tối ưu lại cấu hình máy chủ",
         "bật bộ nhớ đệm LiteSpeed Cache và tối ưu cơ sở dữ liệu"),
    ),
    Theme(
        "email_delivery", "Gửi nhận email", Q, 0.09, {E: 0.75, H: 0.25},
        (
            "mail gửi đi bị trả về {dur}",
            "gửi mail cho khách toàn bị dội lại",
            "mail bị dội với lỗi 550, không gửi được cho khách hàng",
            "mail của công ty gửi đi toàn vào spam",
            "khách gửi mail cho mình thì bị trả về, báo mailbox unavailable",
            "không nhận được mail từ Gmail {dur}",
            "gửi mail qua SMTP báo lỗi authentication failed",
            "IP mail server bị dính blacklist nên mail bị chặn",
            "mail bị trả về, báo lỗi MX record không đúng",
            "email|hộp thư báo đầy dù mới dùng có 2GB",
            "mail đến chậm cả tiếng mới nhận được",
            "hosting|mail từ form liên hệ trên website gửi đi bị đánh dấu spam",
            "email|Outlook không đồng bộ được mail {dur}",
            "mail bị dội hết, khách báo không nhận được báo giá",
            "mail bị trả về hàng loạt {dur}",
        ),
        (
            "đã kiểm tra bản ghi SPF, DKIM theo hướng dẫn", "mail báo lỗi 550 5.7.1 rejected",
            "check IP trên MXToolbox thì bị blacklist", "khách bên Gmail và Outlook đều báo vậy",
            "bộ phận kinh doanh không liên lạc được với khách", "mail quan trọng gửi đối tác cũng bị dội",
            "anh em trong công ty không gửi được báo giá",
        ),
        ("kiểm tra lại mail server", "gỡ IP khỏi blacklist", "hướng dẫn cấu hình SPF, DKIM đúng",
         "khắc phục để gửi nhận mail bình thường", "xử lý dứt điểm tình trạng mail bị trả về"),
        ("địa chỉ IP gửi thư của máy chủ bị đưa vào danh sách chặn (blacklist) do một tài khoản khác phát tán thư rác",
         "bản ghi SPF và DKIM của tên miền chưa được cấu hình đầy đủ",
         "hàng đợi gửi thư của máy chủ bị ùn tắc sau khi cập nhật phần mềm"),
        ("gỡ IP khỏi danh sách chặn và chuyển máy chủ gửi thư sang IP sạch",
         "cấu hình bổ sung SPF, DKIM, DMARC cho tên miền",
         "xử lý hàng đợi và gửi lại toàn bộ thư bị treo"),
    ),
    Theme(
        "domain_dns", "Tên miền / DNS", Q, 0.07, {D: 0.9, H: 0.1},
        (
            "tên miền {site} không phân giải được {dur}",
            "đã trỏ DNS về hosting mà 2 ngày rồi vẫn chưa nhận",
            "sửa bản ghi A trong trang quản lý tên miền nhưng không lưu được",
            "domain|tên miền {site} bị chuyển sang trạng thái clientHold mà không báo trước",
            "DNS bị sai, web trỏ sang trang khác",
            "domain|không đổi được nameserver cho domain",
            "domain|mất quyền quản lý tên miền, không đăng nhập được trang quản trị domain",
            "domain|chuyển tên miền về bên bạn cả tuần chưa xong, mã EPP gửi rồi",
            "bản ghi MX bị mất nên không nhận được mail",
            "domain|thông tin chủ thể tên miền bị sai, nhờ sửa mãi không được",
        ),
        (
            "đã chờ đủ 24h để DNS cập nhật", "nameserver vẫn là cái cũ", "whois vẫn báo thông tin cũ",
            "bản ghi CNAME cho www cũng không nhận",
        ),
        ("trỏ lại DNS đúng", "mở khóa tên miền", "hoàn tất chuyển tên miền", "cập nhật lại thông tin chủ thể",
         "cấp lại quyền quản lý tên miền"),
        ("bản ghi DNS bị ghi đè khi đồng bộ từ hệ thống quản lý tên miền",
         "hồ sơ chủ thể tên miền chưa được cập nhật lên hệ thống của nhà đăng ký",
         "yêu cầu chuyển tên miền bị treo ở bước xác nhận mã EPP"),
        ("khôi phục đầy đủ các bản ghi DNS", "cập nhật hồ sơ và mở lại trạng thái hoạt động của tên miền",
         "hoàn tất chuyển tên miền và bàn giao quyền quản lý"),
    ),
    Theme(
        "ssl", "Chứng chỉ SSL", Q, 0.05, {S: 0.85, H: 0.15},
        (
            "chứng chỉ SSL hết hạn, web báo không an toàn",
            "web {site} báo lỗi Your connection is not private",
            "cài SSL xong mà trình duyệt vẫn báo không bảo mật",
            "SSL miễn phí không tự gia hạn, web bị báo lỗi bảo mật",
            "ssl|đã mua SSL 3 ngày rồi mà chưa được cài",
            "https bị lỗi mixed content sau khi bên bạn cài SSL",
            "SSL chỉ chạy cho domain chính, subdomain thì báo lỗi",
            "khách vào web bị trình duyệt chặn vì chứng chỉ SSL không hợp lệ",
        ),
        (
            "kiểm tra trên SSL Checker báo thiếu chứng chỉ trung gian",
            "khách không dám nhập thông tin thanh toán", "Google Ads bị từ chối vì web không có https",
        ),
        ("cài lại SSL", "cấp lại chứng chỉ SSL", "gia hạn SSL", "hỗ trợ cấu hình https"),
        ("chứng chỉ được cài thiếu chứng chỉ trung gian (CA bundle)",
         "tác vụ tự động gia hạn chứng chỉ miễn phí bị lỗi xác thực tên miền",
         "đơn hàng SSL chờ xác thực tên miền qua email nhưng thư xác thực chưa được gửi"),
        ("cài lại chứng chỉ đầy đủ chuỗi CA", "gia hạn thủ công và sửa tác vụ tự động gia hạn",
         "cấp lại chứng chỉ cho cả tên miền chính và tên miền phụ"),
    ),
    Theme(
        "data_loss", "Mất dữ liệu / sao lưu", Q, 0.04, {H: 0.5, V: 0.25, C: 0.15, E: 0.10},
        (
            "mất hết dữ liệu web sau khi bên bạn bảo trì server",
            "{svc} bị mất dữ liệu, database trống trơn",
            "yêu cầu khôi phục backup nhưng bản backup gần nhất đã cách đây 1 tháng",
            "hosting|file upload của khách trong 3 ngày gần đây bị mất hết",
            "bên bạn cam kết backup hàng ngày mà giờ không có bản backup nào",
            "restore backup xong thì web bị lỗi, mất bài viết mới",
            "vps,cloud|ổ cứng VPS bị lỗi, mất toàn bộ dữ liệu",
            "email|hộp thư bị mất hết mail cũ",
        ),
        (
            "mất hết đơn hàng trong 1 tuần", "dữ liệu khách hàng, bài viết đều mất",
            "bản backup trong cPanel bị lỗi không giải nén được", "mình không có bản backup riêng",
        ),
        ("khôi phục dữ liệu", "khôi phục dữ liệu từ bản backup gần nhất", "bồi thường thiệt hại",
         "giải thích vì sao không có backup"),
        ("tác vụ sao lưu tự động trên máy chủ bị dừng sau đợt bảo trì",
         "ổ cứng của máy chủ gặp lỗi khi đồng bộ mảng lưu trữ RAID"),
        ("khôi phục dữ liệu từ bản sao lưu ngoài máy chủ",
         "kích hoạt lại sao lưu hằng ngày và kiểm tra khả năng khôi phục",
         "tặng thêm dịch vụ sao lưu ngoài 6 tháng"),
    ),
    Theme(
        "security", "Bảo mật / mã độc", Q, 0.05, {H: 0.55, V: 0.2, E: 0.15, C: 0.1},
        (
            "hosting|web {site} bị hack, chèn link cờ bạc",
            "hosting|hosting bị nhiễm mã độc, Google báo trang web nguy hiểm",
            "email|tài khoản email bị chiếm, gửi spam hàng loạt",
            "vps,cloud|VPS bị tấn công DDoS, bên bạn tự ý khóa IP",
            "hosting|phát hiện file lạ trong thư mục public_html",
            "mật khẩu cPanel bị đổi mà mình không hề đổi",
            "hosting|web WordPress bị chèn mã độc, chuyển hướng sang trang lạ",
            "vps,cloud|VPS bị dùng để đào coin, CPU lên 100%",
            "{svc} bị tạm khóa vì phát tán spam mà mình không hề gửi",
        ),
        (
            "đã đổi mật khẩu nhưng vẫn bị lại", "bên bạn khóa hosting mà không báo trước",
            "Google Search Console cảnh báo phần mềm độc hại",
        ),
        ("quét và xử lý mã độc", "mở khóa dịch vụ", "kiểm tra bảo mật server", "khôi phục lại web sạch"),
        ("mã nguồn website dùng plugin có lỗ hổng đã được công bố",
         "mật khẩu tài khoản bị lộ và bị dùng để đăng nhập trái phép"),
        ("quét, gỡ mã độc và khôi phục website từ bản sạch",
         "đổi toàn bộ mật khẩu, bật xác thực hai lớp và mở lại dịch vụ"),
    ),
    Theme(
        "control_panel", "Trang quản trị (cPanel/DirectAdmin)", Q, 0.05, {H: 0.65, V: 0.2, E: 0.1, D: 0.05},
        (
            "không đăng nhập được cPanel {dur}",
            "DirectAdmin báo lỗi khi tạo tài khoản email",
            "trang quản trị dịch vụ không hiển thị gói {svc} đã mua",
            "cPanel không cho upload file quá 2MB",
            "không tạo được database MySQL trong cPanel",
            "phpMyAdmin bị lỗi, không import được file SQL",
            "không đổi được phiên bản PHP trong DirectAdmin",
            "vps|trang quản lý VPS không reboot được, bấm mãi không ăn thua",
            "mất quyền truy cập FTP {dur}",
        ),
        ("đã thử trên Chrome và Firefox", "báo lỗi 403 Forbidden", "reset mật khẩu thì không nhận được mail"),
        ("cấp lại quyền truy cập cPanel", "sửa lỗi trang quản trị", "reset mật khẩu", "hướng dẫn cụ thể"),
        ("phiên bản bảng điều khiển trên máy chủ bị lỗi sau khi cập nhật",
         "tài khoản bị khóa tạm thời do nhập sai mật khẩu nhiều lần"),
        ("cập nhật bản vá cho bảng điều khiển", "mở khóa tài khoản và đặt lại mật khẩu theo yêu cầu"),
    ),
    Theme(
        "migration", "Chuyển dữ liệu / nâng cấp", Q, 0.04, {H: 0.45, V: 0.2, C: 0.2, E: 0.15},
        (
            "chuyển web từ nhà cung cấp cũ sang bị lỗi font, mất ảnh",
            "nhờ bên bạn chuyển dữ liệu sang {svc} mới mà làm sai, web không chạy",
            "nâng cấp gói {svc} xong thì web bị lỗi",
            "chuyển hosting cả tuần chưa xong",
            "sau khi chuyển server, IP thay đổi mà không báo trước",
            "email|di chuyển email sang hệ thống mới bị mất mail cũ",
            "cloud|chuyển sang cloud server mới thì web chậm hơn hẳn",
        ),
        ("bên bạn cam kết chuyển miễn phí trong 24h", "dữ liệu khoảng 5GB", "web cũ vẫn chạy bình thường trên host cũ"),
        ("hoàn tất chuyển dữ liệu", "chuyển lại như cũ", "hỗ trợ kỹ thuật trực tiếp"),
        ("quá trình chuyển dữ liệu bỏ sót thư mục ảnh và bảng mã ký tự của cơ sở dữ liệu",),
        ("chuyển lại toàn bộ dữ liệu và kiểm tra cùng Quý khách",),
    ),
    Theme(
        "billing", "Cước phí / hóa đơn", B, 0.10, {H: 0.3, D: 0.15, V: 0.15, E: 0.1, S: 0.05, C: 0.1, O: 0.15},
        (
            "bị trừ tiền 2 lần cho cùng một hóa đơn",
            "hóa đơn tháng này tăng so với báo giá ban đầu",
            "tự nhiên bị tính thêm phí backup mà không hề đăng ký",
            "chuyển khoản rồi mà hệ thống vẫn báo chưa thanh toán",
            "xuất hóa đơn VAT sai tên công ty, sai mã số thuế",
            "giá gia hạn {svc} cao hơn nhiều so với lúc mua",
            "bị tính phí bandwidth vượt mức vô lý",
            "thanh toán qua thẻ bị trừ tiền nhưng đơn hàng vẫn chờ",
            "đã yêu cầu hủy {svc} mà vẫn bị tính tiền tháng sau",
            "báo giá một đằng, hóa đơn một nẻo",
        ),
        ("mã giao dịch mình đã gửi kèm", "kế toán bên mình đối soát thì phát hiện",
         "công ty cần hóa đơn để quyết toán cuối tháng"),
        ("hoàn lại số tiền bị trừ thừa", "xuất lại hóa đơn VAT đúng thông tin", "giải trình chi tiết các khoản phí",
         "xác nhận thanh toán"),
        ("hệ thống thanh toán ghi nhận trùng một giao dịch chuyển khoản",
         "bảng giá mới được áp dụng cho kỳ gia hạn nhưng thông báo chưa tới Quý khách",
         "thông tin xuất hóa đơn được lấy từ hồ sơ cũ của tài khoản"),
        ("hoàn lại khoản thu trùng vào tài khoản của Quý khách", "áp dụng lại giá cũ cho kỳ gia hạn này",
         "hủy hóa đơn sai và xuất hóa đơn điện tử thay thế"),
    ),
    Theme(
        "renewal", "Gia hạn / hết hạn", B, 0.08, {D: 0.4, H: 0.3, S: 0.15, E: 0.1, V: 0.05},
        (
            "{svc} hết hạn mà không nhận được mail nhắc gia hạn",
            "đã gia hạn rồi mà {svc} vẫn bị khóa",
            "domain|tên miền {site} bị hết hạn, giờ muốn gia hạn thì bị đòi phí chuộc",
            "gia hạn 2 năm nhưng hệ thống chỉ ghi nhận 1 năm",
            "{svc} tự động gia hạn mà không hỏi ý kiến",
            "hosting,email|{svc} bị xóa dữ liệu chỉ sau 3 ngày hết hạn",
            "ssl|đã thanh toán gia hạn SSL mà chứng chỉ chưa được cấp lại",
            "domain|tên miền hết hạn bị người khác đăng ký mất",
        ),
        ("email nhắc gia hạn không hề nhận được", "tiền gia hạn đã chuyển khoản từ tuần trước"),
        ("mở lại dịch vụ", "gia hạn đúng thời gian đã thanh toán", "miễn phí chuộc tên miền",
         "khôi phục dữ liệu đã bị xóa"),
        ("email nhắc gia hạn được gửi tới địa chỉ email cũ của tài khoản",
         "khoản thanh toán gia hạn chưa được đối soát kịp trước ngày hết hạn"),
        ("mở lại dịch vụ và ghi nhận đúng thời hạn đã thanh toán",
         "cập nhật email nhận thông báo và miễn phí khôi phục"),
    ),
    Theme(
        "refund", "Hoàn tiền", B, 0.05, {H: 0.35, V: 0.2, D: 0.1, E: 0.1, S: 0.05, C: 0.1, O: 0.1},
        (
            "yêu cầu hoàn tiền cả tháng nay chưa được giải quyết",
            "hủy {svc} trong 7 ngày đầu mà không được hoàn tiền",
            "đã được hứa hoàn tiền nhưng chưa nhận được",
            "{svc} không dùng được mà bên bạn không chịu hoàn tiền",
            "hoàn tiền thiếu so với số đã thanh toán",
            "mua nhầm gói, xin đổi sang gói khác và hoàn phần chênh lệch nhưng bị từ chối",
        ),
        ("số tài khoản nhận hoàn tiền mình đã gửi", "nhân viên hẹn 7 ngày làm việc"),
        ("hoàn tiền", "hoàn tiền đầy đủ", "hoàn tiền trong tuần này", "hoàn tiền phần chưa sử dụng"),
        ("yêu cầu hoàn tiền của Quý khách bị chuyển nhầm bộ phận nên chưa được xử lý",),
        ("hoàn tất chuyển khoản hoàn tiền đầy đủ", "hoàn phần chênh lệch và chuyển đổi sang gói phù hợp"),
    ),
    Theme(
        "contract", "Hợp đồng / chính sách", B, 0.03, {H: 0.3, V: 0.2, C: 0.2, E: 0.1, O: 0.2},
        (
            "hợp đồng ghi cam kết uptime 99,9% mà tháng này sập mấy lần",
            "điều khoản hợp đồng không ghi rõ phí phát sinh",
            "bên bạn tự ý thay đổi chính sách mà không thông báo",
            "chưa nhận được bản hợp đồng có đóng dấu",
            "muốn thanh lý hợp đồng trước hạn nhưng bị phạt quá cao",
            "chính sách hoàn tiền trên web khác với nhân viên tư vấn",
            "gói {svc} bị cắt bớt tính năng so với lúc ký hợp đồng",
        ),
        ("trong hợp đồng không có điều khoản này", "mình đã gửi công văn nhưng chưa được trả lời"),
        ("thực hiện đúng cam kết trong hợp đồng", "bồi thường theo hợp đồng", "gửi văn bản giải thích",
         "thanh lý hợp đồng không phạt"),
        ("phụ lục hợp đồng về mức cam kết dịch vụ (SLA) chưa được gửi kèm bản hợp đồng",),
        ("gửi bổ sung phụ lục và áp dụng bồi hoàn theo cam kết", "đồng ý thanh lý hợp đồng không tính phí phạt"),
    ),
    Theme(
        "support_responsiveness", "Tốc độ phản hồi hỗ trợ", Q, 0.08,
        {H: 0.4, V: 0.15, D: 0.1, E: 0.15, S: 0.05, C: 0.1, O: 0.05},
        (
            "gọi hotline không ai nghe máy",
            "gửi ticket {dur} mà chưa ai trả lời",
            "chat với kỹ thuật thì bảo chờ, chờ mãi không thấy phản hồi",
            "tổng đài bắt chờ máy cả 20 phút",
            "báo lỗi {svc} mấy lần rồi mà vẫn chưa được xử lý",
            "kỹ thuật hẹn gọi lại mà không gọi",
            "ticket bị đóng dù vấn đề chưa được giải quyết",
            "email hỗ trợ không ai trả lời {dur}",
        ),
        ("đã gọi 5 cuộc", "ticket để ở trạng thái đang xử lý mãi", "mỗi lần gọi lại phải kể lại từ đầu"),
        ("có người liên hệ lại ngay", "cải thiện thời gian phản hồi", "xử lý dứt điểm"),
        ("lượng cuộc gọi tăng đột biến trong ca trực vượt quá số nhân viên trực",),
        ("bổ sung nhân sự trực tổng đài và đặt cảnh báo ticket quá 4 giờ chưa phản hồi",),
    ),
    Theme(
        "staff_attitude", "Thái độ nhân viên", Q, 0.05,
        {H: 0.35, V: 0.1, D: 0.1, E: 0.1, S: 0.05, C: 0.05, O: 0.25},
        (
            "nhân viên trả lời cộc lốc, thiếu tôn trọng khách hàng",
            "nhân viên kỹ thuật đổ lỗi cho khách",
            "tư vấn viên nói chuyện rất khó chịu",
            "nhân viên hứa xử lý trong ngày rồi im luôn",
            "bị nhân viên tổng đài cúp máy ngang",
            "nhân viên tư vấn sai, dẫn đến mua nhầm gói {svc}",
            "nhân viên không nắm được vấn đề, hỏi đi hỏi lại",
        ),
        ("mình có ghi âm cuộc gọi", "mong công ty xem lại thái độ nhân viên"),
        ("xin lỗi khách hàng", "xem xét thái độ nhân viên", "đổi nhân viên hỗ trợ khác"),
        ("nhân viên tiếp nhận chưa thực hiện đúng quy tắc ứng xử với khách hàng",),
        ("trao đổi, nhắc nhở nhân viên và phân công người phụ trách mới cho hồ sơ",),
    ),
)
THEME_INDEX = {t.key: i for i, t in enumerate(THEMES)}

# --- generic fragments --------------------------------------------------------------------------

IMPACTS = (
    "khách hàng của mình không đặt hàng được", "mất rất nhiều đơn hàng",
    "ảnh hưởng nghiêm trọng đến uy tín công ty",
    "đang chạy quảng cáo Facebook mà web không vào được, mất tiền quảng cáo oan",
    "cả công ty không làm việc được", "sếp mắng quá trời", "anh em trong công ty không làm được gì",
    "thiệt hại không nhỏ", "khách hàng liên tục gọi điện phàn nàn", "đang mùa cao điểm bán hàng",
    "ảnh hưởng đến công việc kinh doanh", "mình không biết trả lời khách như thế nào",
)
SUPPORT_GRIPES = (
    "gọi hotline không ai nghe máy", "gửi ticket mà chưa ai trả lời", "nhắn tin fanpage thì chỉ có tin nhắn tự động",
    "hỏi kỹ thuật thì cứ bảo đang kiểm tra", "gọi điện thoại mấy lần đều bảo chờ",
)
EMOTIONS = (
    "rất bức xúc", "thật sự quá thất vọng", "không thể chấp nhận được", "làm ăn kiểu gì vậy",
    "chán quá", "mình dùng dịch vụ bên bạn 5 năm rồi mà giờ như vậy",
    "nếu không giải quyết mình sẽ chuyển nhà cung cấp khác", "mong bên bạn hiểu cho", "giờ phải làm gì đây",
)
CLOSINGS = (
    "mong bên bạn xử lý sớm", "đề nghị kiểm tra và phản hồi gấp", "cảm ơn", "mong nhận được phản hồi sớm",
    "xin cảm ơn", "bên bạn xử lý như thế nào thì trả lời mình nhé", "anh em kỹ thuật xem giúp mình với",
)
OPENERS = {
    "in_person": ("Khách hàng đến trực tiếp phản ánh:", "Khách hàng trình bày:", "KH đến quầy phản ánh:",
                  "Khách hàng đến chi nhánh, trình bày như sau:"),
    "hotline": ("KH gọi hotline phản ánh:", "KH báo:", "Khách gọi lên báo:", "KH phản ánh qua tổng đài:",
                "KH gọi lần 2 về việc này:"),
    "email": ("Chào bên hỗ trợ,", "Xin chào,", "Kính gửi bộ phận CSKH,", "Hi support,", "Chào ad,", "Gửi BKNS,"),
    "post": ("Kính gửi: Bộ phận Chăm sóc khách hàng.",
             "Kính gửi Quý công ty, tôi là khách hàng đang sử dụng dịch vụ của Quý công ty."),
}
POST_CLOSINGS = ("Kính đề nghị Quý công ty xem xét, giải quyết.", "Trân trọng.",
                 "Tôi xin cam đoan nội dung trên là đúng sự thật. Trân trọng.")
REQUEST_PREFIXES = ("đề nghị bên bạn", "yêu cầu", "mong bên bạn", "xin", "khách hàng yêu cầu", "đề nghị công ty",
                    "cần")
REQUEST_SUFFIXES = ("", "", "", "càng sớm càng tốt", "trong hôm nay", "trong 24h", "trước cuối tuần", "gấp")

LATE_REASONS = (
    "Khách hàng công tác ở nước ngoài, không liên hệ được trong thời hạn",
    "Khách hàng mới phát hiện sai sót khi đối soát hóa đơn cuối năm",
    "Khách hàng đã phản ánh qua điện thoại trước đó nhưng chưa được ghi nhận",
    "Khách hàng nằm viện trong thời gian dài",
    "Trưởng chi nhánh đồng ý tiếp nhận do sự cố kéo dài nhiều lần",
    "Đơn gửi qua bưu điện lần trước bị thất lạc, khách hàng gửi lại",
    "Khách hàng là doanh nghiệp lâu năm, tiếp nhận để giữ quan hệ",
)

FOLLOWUP_NOTES = {
    5: ("Khách hàng rất hài lòng, cảm ơn nhân viên hỗ trợ nhiệt tình.", "Khách hàng hài lòng với cách xử lý."),
    4: ("Khách hàng hài lòng, góp ý thời gian phản hồi cần nhanh hơn.", "Dịch vụ ổn định lại, khách hàng đồng ý."),
    3: ("Khách hàng tạm chấp nhận kết quả.", "Khách hàng mong được thông báo sớm hơn khi có sự cố."),
    2: ("Khách hàng chưa hài lòng vì phải chờ lâu.", "Khách hàng cho rằng phương án bồi hoàn chưa thỏa đáng."),
    1: ("Khách hàng không hài lòng, cân nhắc chuyển nhà cung cấp.",
        "Khách hàng không nghe máy lần đầu, gọi lại vẫn phàn nàn."),
}
NOTE_DEMO = "Dữ liệu mẫu (demo)"

# --- people and places --------------------------------------------------------------------------

SURNAMES = (
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4.5),
    ("Vũ", 4), ("Võ", 4), ("Đặng", 2.5), ("Bùi", 2.5), ("Đỗ", 2.5), ("Hồ", 2), ("Ngô", 2), ("Dương", 1.5),
    ("Lý", 1), ("Đinh", 1.2), ("Trương", 1.2), ("Mai", 0.8), ("Lương", 0.6), ("Cao", 0.6), ("Tạ", 0.4),
    ("Đào", 0.8), ("Hà", 0.8), ("Trịnh", 0.8), ("Lâm", 0.5), ("Phùng", 0.4), ("Kiều", 0.3),
)
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân", "Hoàng", "Gia", "Tuấn", "Ngọc",
               "Anh", "Đình", "Quang", "Trung")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Phương", "Hoài", "Bảo", "Mai", "Thùy", "Diệu",
                 "Khánh", "Hồng", "Lan")
GIVEN_MALE = ("Anh", "Tuấn", "Hùng", "Dũng", "Minh", "Nam", "Long", "Hải", "Sơn", "Thắng", "Cường", "Phong",
              "Quân", "Khoa", "Huy", "Đức", "Trung", "Hiếu", "Tùng", "Vinh", "Phúc", "Bảo", "Khang", "Lâm",
              "Toàn", "Nghĩa", "Hưng", "Tài", "Thịnh", "Đạt", "Kiên", "Trí")
GIVEN_FEMALE = ("Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Ngọc", "Hà", "Hằng", "Nhung", "Yến",
                "Vy", "Nhi", "Anh", "Phương", "Thủy", "Quỳnh", "Giang", "Hạnh", "Loan", "Tâm", "Uyên", "Trâm",
                "Duyên", "Hiền", "My", "Ngân", "Thư", "Châu")
COMPANY_FORMS = ("Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Hộ kinh doanh")
COMPANY_TRADES = ("Thương mại", "Thương mại Dịch vụ", "Công nghệ", "Giải pháp Phần mềm", "Xây dựng", "Du lịch",
                  "Thời trang", "Nội thất", "Giáo dục", "Dược phẩm", "Xuất nhập khẩu", "Truyền thông", "Thực phẩm")
COMPANY_BRANDS = ("Minh Phát", "An Khang", "Hòa Bình", "Đại Việt", "Thành Công", "Phú Thịnh", "Hưng Thịnh",
                  "Sao Mai", "Hoàng Gia", "Tân Phát", "Việt Nhật", "Ánh Dương", "Bình Minh", "Kim Long",
                  "Thiên Ân", "Nam Sơn", "Trường Thịnh", "Gia Huy", "Vạn Xuân", "Phương Đông", "Hải Âu",
                  "Sen Vàng", "Đông Á", "Bảo An", "Lộc Phát", "Tín Nghĩa")
COMPANY_MAILBOXES = ("info", "ketoan", "admin", "lienhe", "it", "kinhdoanh")
MAIL_DOMAINS = (("gmail.com", 70), ("yahoo.com", 8), ("outlook.com", 8), ("hotmail.com", 4), ("icloud.com", 3))


@dataclass(frozen=True)
class City:
    branch: str
    weight: float
    streets: tuple[str, ...]
    districts: tuple[str, ...]
    office: str
    staff: tuple[str, ...] = field(default=())


CITIES: tuple[City, ...] = (
    City("Hà Nội", 0.45,
         ("Cầu Giấy", "Xuân Thủy", "Trần Duy Hưng", "Nguyễn Trãi", "Láng Hạ", "Kim Mã", "Giải Phóng",
          "Hoàng Quốc Việt", "Phạm Văn Đồng", "Lê Văn Lương", "Tây Sơn", "Nguyễn Chí Thanh"),
         ("Cầu Giấy", "Đống Đa", "Thanh Xuân", "Ba Đình", "Hai Bà Trưng", "Hoàng Mai", "Nam Từ Liêm", "Long Biên"),
         "Tầng 5, Toà nhà 169 Nguyễn Ngọc Vũ, phường Trung Hòa, quận Cầu Giấy, TP Hà Nội",
         ("lan.nt", "tuan.pv", "huong.lt", "minh.dq", "thao.vt")),
    City("TP. Hồ Chí Minh", 0.40,
         ("Nguyễn Văn Linh", "Cách Mạng Tháng Tám", "Điện Biên Phủ", "Lê Văn Sỹ", "Nguyễn Thị Minh Khai",
          "Võ Văn Tần", "Phan Xích Long", "Cộng Hòa", "Hoàng Văn Thụ", "Trường Chinh", "Lý Thường Kiệt",
          "Nguyễn Đình Chiểu"),
         ("Quận 1", "Quận 3", "Quận 7", "Quận 10", "Bình Thạnh", "Phú Nhuận", "Tân Bình", "Gò Vấp", "Thủ Đức"),
         "Văn phòng chi nhánh TP. Hồ Chí Minh (phòng tiếp khách, tầng 2)",
         ("an.nh", "khoa.tm", "ngoc.ptb", "phuong.lh")),
    City("Đà Nẵng", 0.15,
         ("Nguyễn Văn Linh", "Lê Duẩn", "Hùng Vương", "Bạch Đằng", "Nguyễn Hữu Thọ", "Điện Biên Phủ", "Ngô Quyền",
          "Hàm Nghi"),
         ("Hải Châu", "Thanh Khê", "Sơn Trà", "Ngũ Hành Sơn", "Liên Chiểu", "Cẩm Lệ"),
         "Văn phòng chi nhánh Đà Nẵng (phòng tiếp khách, tầng 1)",
         ("hai.nv", "trang.dt", "quan.lm")),
)

# --- reply letters ------------------------------------------------------------------------------

LETTER_OPENINGS = (
    "{short} xin chân thành cảm ơn Quý khách đã dành thời gian phản ánh về dịch vụ {service} (hồ sơ {ticket}).",
    "Cảm ơn Quý khách đã liên hệ và phản ánh về {theme} đối với dịch vụ {service} (hồ sơ {ticket}).",
    "{short} đã nhận được phản ánh của Quý khách về {theme} (hồ sơ {ticket}) và xin cảm ơn Quý khách đã thông "
        "báo kịp thời.",
    "Trước hết, chúng tôi thành thật xin lỗi Quý khách vì sự cố {theme} đã gây ảnh hưởng đến công việc của "
        "Quý khách (hồ sơ {ticket}).",
)
LETTER_EXCUSES = (
    "Sự việc xảy ra do lỗi khách quan từ đơn vị cung cấp đường truyền.",
    "Đây là trường hợp bất khả kháng, nằm ngoài tầm kiểm soát của chúng tôi.",
    "Sự cố phát sinh một phần do cấu hình phía Quý khách.",
)
LETTER_PLANS = (
    "Chúng tôi sẽ tiếp tục theo dõi và gửi báo cáo kết quả cho Quý khách trước ngày {deadline}.",
    "Bộ phận kỹ thuật sẽ hoàn tất kiểm tra toàn bộ hệ thống và thông báo cho Quý khách trong vòng 3 ngày.",
    "Chúng tôi sẽ liên hệ lại Quý khách trước 17h ngày {deadline} để xác nhận kết quả.",
)
LETTER_VAGUE_PLANS = (
    "Chúng tôi sẽ tiếp tục theo dõi và cải thiện chất lượng dịch vụ.",
    "Bộ phận kỹ thuật sẽ kiểm tra thêm khi có điều kiện.",
)
LETTER_OWNERSHIP = (
    "Chúng tôi nhận trách nhiệm về sự bất tiện Quý khách đã gặp.",
    "Chúng tôi rất tiếc về trải nghiệm chưa tốt của Quý khách và xin lỗi Quý khách.",
)
LETTER_CLOSINGS = (
    "Nếu cần trao đổi thêm, Quý khách vui lòng liên hệ hotline {hotline}. Trân trọng cảm ơn Quý khách.",
    "Một lần nữa, cảm ơn Quý khách đã tin dùng dịch vụ và dành thời gian góp ý cho chúng tôi.",
    "Trân trọng.",
)
ROUND2_LINE = ("Sau khi nhận được ý kiến chưa đồng ý của Quý khách, chúng tôi đã xem xét lại toàn bộ hồ sơ "
               "và đề xuất phương án giải quyết lần 2 như sau.")


def _check_json_safe() -> None:
    """Texts that go into audit JSON by SQL concatenation must not need escaping."""
    for text in (*LATE_REASONS, *(n for notes in FOLLOWUP_NOTES.values() for n in notes), NOTE_DEMO):
        if any(ch in text for ch in '"\\\n'):
            raise ValueError(text)


_check_json_safe()


# --- composing complaint texts ------------------------------------------------------------------

MIXED = N_STYLES  # a row style: each sentence accented or not, as autocorrect and habit allow
CHANNEL_STYLES: dict[str, tuple[tuple[int, float], ...]] = {
    "hotline": ((ACCENT, 0.28), (CHAT, 0.20), (PLAIN, 0.26), (PLAIN_CHAT, 0.20), (MIXED, 0.06)),
    "email": ((ACCENT, 0.48), (CHAT, 0.17), (PLAIN, 0.18), (PLAIN_CHAT, 0.10), (MIXED, 0.07)),
    "in_person": ((ACCENT, 0.68), (FORMAL, 0.15), (PLAIN, 0.09), (CHAT, 0.04), (MIXED, 0.04)),
    "post": ((FORMAL, 0.85), (ACCENT, 0.15)),
}
SHORT, MEDIUM, LONG = range(3)
CHANNEL_LENGTHS: dict[str, tuple[float, float, float]] = {
    "hotline": (0.45, 0.45, 0.10), "email": (0.20, 0.45, 0.35), "in_person": (0.25, 0.55, 0.20),
    "post": (0.0, 0.0, 1.0),
}
TYPO_RATE = 0.07
_CHATTY = (CHAT, PLAIN_CHAT)


def _styled_all(texts, rng: random.Random) -> tuple[Styled, ...]:
    return tuple(styled(t, rng) for t in texts)


def _parse_problem(template: str) -> tuple[frozenset[Service] | None, str]:
    head, sep, text = template.partition("|")
    if not sep:
        return None, template
    return frozenset(Service(s) for s in head.split(",")), text


class TextBank:
    """All fragments prepared in every style, and the service-eligible problem templates per theme."""

    def __init__(self, seed: int = 20240601):
        rng = random.Random(seed)
        self.problems, self.eligible = [], {}
        for t_idx, theme in enumerate(THEMES):
            parsed = [_parse_problem(p) for p in theme.problems]
            self.problems.append(_styled_all([text for _, text in parsed], rng))
            for s_idx, service in enumerate(Service):
                ok = [i for i, (only, _) in enumerate(parsed) if only is None or service in only]
                self.eligible[(t_idx, s_idx)] = tuple(ok or range(len(parsed)))
        self.details = [_styled_all(t.details, rng) for t in THEMES]
        self.requests = [_styled_all(t.requests, rng) for t in THEMES]
        self.impacts = _styled_all(IMPACTS, rng)
        self.gripes = _styled_all(SUPPORT_GRIPES, rng)
        self.emotions = _styled_all(EMOTIONS, rng)
        self.closings = _styled_all(CLOSINGS, rng)
        self.openers = {ch: _styled_all(texts, rng) for ch, texts in OPENERS.items()}
        self.post_closings = _styled_all(POST_CLOSINGS, rng)
        self.prefixes = _styled_all(REQUEST_PREFIXES, rng)
        self.suffixes = tuple(styled(s, rng) if s else None for s in REQUEST_SUFFIXES)
        self.service_words = [_styled_all(SERVICE_WORDS[s], rng) for s in Service]
        self.durations = _styled_all(DURATIONS, rng)


_BANK: TextBank | None = None


def bank() -> TextBank:
    global _BANK
    if _BANK is None:
        _BANK = TextBank()
    return _BANK


def pick(items, u: float):
    """The item at uniform position u in [0, 1)."""
    return items[int(u * len(items))]


class _Writer:
    """Builds one text and its folded twin sentence by sentence in one writing style."""

    def __init__(self, style: int, rolls, slots: dict[str, tuple[str, str]] | None = None):
        self.style, self.rolls, self.slots = style, rolls, slots or {}
        self.parts: list[str] = []
        self.folded: list[str] = []
        self.raw_last = False  # the previous part keeps its own punctuation

    def _append(self, text: str, folded: str, raw: bool) -> None:
        sep = " " if self.raw_last or self.style not in _CHATTY else ", "
        if self.parts:
            text, folded = sep + text, sep + folded
        self.parts.append(text)
        self.folded.append(folded)
        self.raw_last = raw

    def _sentence_style(self) -> int:
        if self.style == MIXED:
            return ACCENT if next(self.rolls) < 0.5 else PLAIN
        return self.style

    def add(self, piece: Styled, end: str = ".") -> None:
        style = self._sentence_style()
        variant = 1 if next(self.rolls) < TYPO_RATE else 0
        chatty = self.style in _CHATTY
        text = (piece.display if chatty else piece.sentence)[style][variant]
        folded = piece.folded[style][variant]
        if "{" in text:
            for name, (value, value_folded) in self.slots.items():
                slot = "{" + name + "}"
                if slot in text:
                    text, folded = text.replace(slot, value), folded.replace(slot, value_folded)
            if not chatty:
                text = capitalize(text)
        if not chatty:
            text, folded = text + end, folded + end
        self._append(text, folded, False)

    def add_raw(self, piece: Styled) -> None:
        """An opener or formula that keeps its own punctuation."""
        style = ACCENT if self.style == MIXED else self.style
        self._append(piece.display[style][0], piece.folded[style][0], True)

    def result(self) -> tuple[str, str]:
        return "".join(self.parts), "".join(self.folded)


def _slot_values(b: TextBank, service_idx: int, style: int, rolls) -> dict[str, tuple[str, str]]:
    style = ACCENT if style == MIXED else style
    svc = pick(b.service_words[service_idx], next(rolls))
    dur = pick(b.durations, next(rolls))
    site = pick(SITES, next(rolls))
    return {"svc": (svc.display[style][0], svc.folded[style][0]),
            "dur": (dur.display[style][0], dur.folded[style][0]), "site": (site, site)}


def compose_complaint(theme_idx: int, service_idx: int, channel: str, style: int, length: int,
                      rolls) -> tuple[str, str]:
    """One complaint text (and its folded twin); `rolls` yields uniform numbers in [0, 1)."""
    b = bank()
    w = _Writer(style, rolls, _slot_values(b, service_idx, style, rolls))
    problem = b.problems[theme_idx][pick(b.eligible[(theme_idx, service_idx)], next(rolls))]
    details = b.details[theme_idx]
    if channel == "post":
        w.add_raw(pick(b.openers["post"], next(rolls)))
        w.add(problem)
        w.add(pick(details, next(rolls)))
        w.add(pick(b.impacts, next(rolls)))
        w.add_raw(pick(b.post_closings, next(rolls)))
        return w.result()
    if length == SHORT:
        w.add(problem)
        if next(rolls) < 0.3:
            w.add(pick(b.emotions, next(rolls)), "!")
        return w.result()
    if next(rolls) < (0.8 if channel == "email" or length == LONG else 0.4):
        w.add_raw(pick(b.openers[channel], next(rolls)))
    w.add(problem)
    if length == MEDIUM:
        extra = next(rolls)
        w.add(pick(details if extra < 0.5 else b.impacts, next(rolls)))
        if next(rolls) < 0.5:
            w.add(pick(b.closings, next(rolls)))
        return w.result()
    if next(rolls) < 0.3:
        w.add(b.problems[theme_idx][pick(b.eligible[(theme_idx, service_idx)], next(rolls))])
    w.add(pick(details, next(rolls)))
    w.add(pick(b.impacts, next(rolls)))
    if next(rolls) < 0.5:
        w.add(pick(b.gripes, next(rolls)))
    if next(rolls) < 0.6:
        w.add(pick(b.emotions, next(rolls)), "!" if next(rolls) < 0.5 else "...")
    w.add(pick(b.closings, next(rolls)))
    return w.result()


def compose_request(theme_idx: int, style: int, rolls) -> tuple[str, str]:
    """What the customer asks, in the same writing style as the complaint."""
    b = bank()
    style = (ACCENT if next(rolls) < 0.5 else PLAIN) if style == MIXED else style
    parts = [pick(b.prefixes, next(rolls)), pick(b.requests[theme_idx], next(rolls))]
    suffix = pick(b.suffixes, next(rolls))
    if suffix is not None:
        parts.append(suffix)
    chatty = style in _CHATTY
    text = " ".join([parts[0].display[style][0] if chatty else parts[0].sentence[style][0]]
                    + [p.display[style][0] for p in parts[1:]])
    return text, " ".join(p.folded[style][0] for p in parts)
