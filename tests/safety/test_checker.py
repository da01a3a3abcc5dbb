"""The message checker: what it pulls out of a text, how it judges each item, and the verdict."""

from __future__ import annotations

import phonenumbers
import pytest
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from safety.checker import (
    ItemKind,
    Verdict,
    check_message,
    extract_links,
    extract_phones,
    extract_sender_ids,
    extract_upi_ids,
    find_scam_phrases,
)
from tests.safety.helpers import OFFICIAL_UPI, kesco_registry


def judged(text: str) -> dict[str, bool]:
    """Each item found, mapped to whether it was judged official."""
    return {finding.shown: finding.is_official for finding in check_message(text, kesco_registry()).items}


# --- Links ------------------------------------------------------------------------------------------


def test_it_finds_links_with_and_without_a_scheme():
    links = extract_links("Pay at https://kesco.co.in/pay, www.uppclonline.com or kesco-bill.in now.")
    assert [link.registered_domain for link in links] == ["kesco.co.in", "uppclonline.com", "kesco-bill.in"]


def test_it_ignores_dotted_words_that_are_not_domains():
    assert extract_links("e.g. see file.txt or version 1.2.3") == []


@pytest.mark.parametrize(
    "link",
    ["https://www.kesco.co.in", "kesco.co.in/bill?x=1", "http://pay.kesco.co.in/", "https://www.uppclonline.com/x"],
)
def test_it_accepts_the_official_domains_and_their_subdomains(link):
    result = check_message(link, kesco_registry())
    assert result.verdict is Verdict.OFFICIAL
    assert all(finding.is_official for finding in result.findings)


@pytest.mark.parametrize(
    ("link", "words_in_reason"),
    [
        ("kesco-bill.in", "look-alike"),
        ("https://kesco.co.in.pay-now.xyz/login", "really belongs to pay-now.xyz"),
        ("http://kesco.blogspot.com", "really belongs to blogspot.com"),
        ("https://bijli-bill.pay-now.xyz/login", "really belongs to pay-now.xyz"),  # a brand word, no official name
        ("https://uppcl-online.top/pay", "look-alike"),
        ("https://bit.ly/3xYz", "shortened link"),
        ("tinyurl.com/kesco-pay", "shortened link"),
        ("https://xn--ksco-v4d.co.in/pay", "other alphabets"),
        ("https://kеsco.co.in/pay", "other alphabets"),  # a Cyrillic е
        ("https://pаy.kesco.co.in/bill", "other alphabets"),  # a Cyrillic а, under an official domain
        ("http://192.168.4.20/pay", "IP address"),
        ("https://example.com/pay", "not an official KESCO website"),
    ],
)
def test_it_flags_look_alike_and_hidden_links_with_a_specific_reason(link, words_in_reason):
    with translation.override("en"):
        result = check_message(link, kesco_registry())
    assert result.verdict is Verdict.SCAM
    [finding] = result.items
    assert finding.kind is ItemKind.LINK
    assert not finding.is_official
    assert words_in_reason in finding.reason


def test_an_official_name_before_an_at_sign_does_not_make_a_link_official():
    # https://kesco.co.in@evil.example/ goes to evil.example: what stands before "@" is a user name.
    [finding] = check_message("https://kesco.co.in@evil-pay.com/bill", kesco_registry()).items
    assert finding.kind is ItemKind.LINK
    assert not finding.is_official
    assert finding.shown.startswith("https://kesco.co.in@evil-pay.com")


@pytest.mark.parametrize(
    ("link", "host"),
    [
        # Browsers (WHATWG URL) read "\\" as "/" in http(s) links: the host ends before it.
        ("https://kesco-pay.in\\@kesco.co.in/pay", "kesco-pay.in"),
        ("https://evil-pay.com\\kesco.co.in", "evil-pay.com"),
        # A host written with percent escapes is decoded by the browser before it is looked up.
        ("https://evil.c%6fm/pay", "evil.com"),
        ("https://k%65sco-bill.in/", "kesco-bill.in"),
        # No slashes, or backslashes, after https: are still a link to the host that follows.
        ("https:evil-pay.com/kesco.co.in", "evil-pay.com"),
        ("https:\\\\evil-pay.com", "evil-pay.com"),
    ],
)
def test_it_reads_the_host_of_a_link_the_way_a_browser_does(link, host):
    [found] = extract_links(link)
    assert found.host == host
    assert check_message(link, kesco_registry()).verdict is Verdict.SCAM


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.com;@kesco.co.in",
        "https://evil.com&@kesco.co.in/pay",
        "https://evil.com%5C@kesco.co.in/pay",
        "https://evil.com%2F@www.kesco.co.in/pay",
        "https://anyone@kesco.co.in/pay",
        "www.evil.com;@kesco.co.in",
        "https:%2F@evil.com",
    ],
)
def test_a_link_with_anything_before_an_at_sign_is_never_official(link):
    # Browsers and other apps disagree on where such a link goes; KESCO never sends one.
    with translation.override("en"):
        result = check_message(f"Pay now at {link}", kesco_registry())
    assert result.verdict is Verdict.SCAM
    [finding] = result.items
    assert not finding.is_official
    assert "@" in finding.reason


@pytest.mark.parametrize("dot", ["\u3002", "\uff61", "\ufe52"])
def test_it_reads_ideographic_full_stops_in_a_link_as_dots(dot):
    # Browsers map these to "." (UTS-46): https://evil\u3002com opens evil.com.
    text = f"VM-UPPCLT: Bill due. Pay at https://evil{dot}com/pay"
    result = check_message(text, kesco_registry())
    assert result.verdict is Verdict.SCAM
    assert [(f.kind, f.is_official) for f in result.items if f.kind is ItemKind.LINK] == [(ItemKind.LINK, False)]
    assert check_message(f"Pay at kesco-bill{dot}in", kesco_registry()).verdict is Verdict.SCAM


@pytest.mark.parametrize(
    "link",
    [
        "http://3232235777/pay",  # 192.168.1.1 written as one decimal number
        "http://0xC0A80101/pay",  # ... as one hexadecimal number
        "http://0300.0250.1.1/pay",  # ... in octal parts
        "http://192.168.257/pay",  # ... with the last two parts run together
        "http://%31%39%32.168.1.1/pay",  # ... percent-encoded
        "http://[::ffff:c0a8:101]/pay",  # an IPv6 address
    ],
)
def test_it_reads_every_way_of_writing_an_ip_address_as_one(link):
    with translation.override("en"):
        result = check_message(f"VM-UPPCLT: pay at {link}", kesco_registry())
    assert result.verdict is Verdict.SCAM
    [finding] = [f for f in result.items if f.kind is ItemKind.LINK]
    assert "IP address" in finding.reason


@pytest.mark.parametrize(
    "link",
    [
        "https://evil%2Fx.kesco.co.in/pay",  # decodes to a "/" inside the host
        "https://ev%FFil.com/pay",  # not UTF-8 once decoded
        "https://kesco.co.in.pay-now/bill",  # no known suffix
        "http://localhost/pay",
        "https://evil%zz.com/pay",
        "https:///pay",  # the host is "pay": no suffix
    ],
)
def test_a_link_whose_address_cannot_be_judged_is_never_dropped(link):
    with translation.override("en"):
        result = check_message(f"VM-UPPCLT: pay at {link} now", kesco_registry())
    assert result.verdict is Verdict.SCAM
    [finding] = [f for f in result.items if f.kind is ItemKind.LINK]
    assert not finding.is_official
    assert "cannot tell where this link goes" in finding.reason


@pytest.mark.parametrize(
    "link",
    [
        "https://kesco.co.in/?r=https://evil.com",
        "https://kesco.co.in/login?next=https%3A%2F%2Fevil.com%2Fpay&lang=hi",
        "https://www.kesco.co.in/out?to=https%253A%252F%252Fevil.com",  # encoded twice
        "https://kesco.co.in/go?url=//evil.com/pay",  # protocol-relative: https://evil.com
        "https://kesco.co.in/go?url=%2F%2Fevil.com",
        "https://kesco.co.in/go?url=www.evil.com",
        "https://kesco.co.in/#/redirect?to=https://evil.com",
        "https://kesco.co.in/go/https://evil.com/pay",
        "https://kesco.co.in/?r=https://kesco.co.in/?r=https://evil.com",
    ],
)
def test_an_official_link_carrying_an_outside_address_is_not_official(link):
    # An open redirect on the official site would send the consumer on to the address it carries.
    with translation.override("en"):
        result = check_message(f"VM-UPPCLT: pay at {link}", kesco_registry())
    assert result.verdict is Verdict.SCAM
    [finding] = [f for f in result.items if f.kind is ItemKind.LINK]
    assert not finding.is_official
    assert "evil.com" in finding.reason


@pytest.mark.parametrize(
    "link",
    [
        "https://kesco.co.in/pay?next=https://www.kesco.co.in/done",
        "https://kesco.co.in/pay?next=https%3A%2F%2Fpay.kesco.co.in%2Fdone&lang=hi#top",
        "https://play.google.com/store/apps/details?id=in.example.kesco.demo&hl=hi",
    ],
)
def test_an_official_link_carrying_only_official_addresses_stays_official(link):
    assert check_message(link, kesco_registry()).verdict is Verdict.OFFICIAL


def test_it_shows_a_punycode_host_as_a_person_reads_it():
    [finding] = check_message("https://xn--ksco-v4d.co.in/pay", kesco_registry()).items
    assert "kеsco.co.in" in finding.shown  # decoded, with the Cyrillic е


def test_it_accepts_only_the_official_app_on_a_store():
    official = "https://play.google.com/store/apps/details?id=in.example.kesco.demo"
    other = "https://play.google.com/store/apps/details?id=com.fake.kesco"
    assert check_message(official, kesco_registry()).verdict is Verdict.OFFICIAL
    assert check_message(other, kesco_registry()).verdict is Verdict.SCAM


@given(
    label=st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True),
    brand=st.sampled_from(["kesco", "uppcl", "bijli", "kesco-co-in"]),
    tld=st.sampled_from(["in", "xyz", "com", "top", "online", "co.in"]),
)
@settings(max_examples=200, deadline=None)
def test_no_domain_other_than_the_registered_ones_is_ever_official(label, brand, tld):
    for host in (f"{brand}{label}.{tld}", f"{label}{brand}.{tld}", f"kesco.co.in.{label}.{tld}"):
        result = check_message(f"https://{host}/pay", kesco_registry())
        assert result.verdict is Verdict.SCAM, host


@example(path="AA-00000A", sub="")  # found by hypothesis: the path was read as an SMS header
@given(path=st.from_regex(r"[A-Za-z0-9_/-]{0,40}", fullmatch=True), sub=st.sampled_from(["", "www.", "pay."]))
@settings(max_examples=100, deadline=None)
def test_any_page_of_an_official_domain_is_official(path, sub):
    assert check_message(f"https://{sub}kesco.co.in/{path}", kesco_registry()).verdict is Verdict.OFFICIAL


# --- Phone numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "+91 98765 43210",
        "+919876543210",
        "09876543210",
        "98765-43210",
        "9876543210",
        "91 9876543210",
        "+91-98765-43210",
    ],
)
def test_it_reads_indian_mobile_numbers_in_every_usual_format(written):
    assert extract_phones(f"Call {written} now", kesco_registry()) == ["+919876543210"]


def test_it_reads_landlines_with_their_area_code():
    assert extract_phones("Office: 0512-2345678", kesco_registry()) == ["+915122345678"]


def test_a_bare_ten_digit_account_number_is_not_taken_for_a_phone_number():
    assert extract_phones("Your new account number 2100000001 is active", kesco_registry()) == []


def test_it_reads_the_official_short_code_but_not_other_short_numbers():
    assert extract_phones("Call 1912, bill amount 1500, due 2026", kesco_registry()) == ["1912"]


def test_an_official_landline_is_official_and_a_private_mobile_is_not():
    assert judged("Call 0512 234 5678 or 9876543210") == {"+915122345678": True, "+919876543210": False}


mobile_digits = st.from_regex(r"[6-9][0-9]{9}", fullmatch=True)
mobile_format = st.sampled_from(
    [
        lambda d: d,
        lambda d: f"+91{d}",
        lambda d: f"+91 {d[:5]} {d[5:]}",
        lambda d: f"0{d}",
        lambda d: f"{d[:5]}-{d[5:]}",
        lambda d: f"+91-{d[:3]}-{d[3:6]}-{d[6:]}",
    ]
)
filler = st.text(alphabet="abcdefghij klmnop,.!?आइएबिल ", max_size=40)


@example(digits="6000001912", fmt=lambda d: f"+91-{d[:3]}-{d[3:6]}-{d[6:]}", before="", after="")  # not also "1912"
@given(digits=mobile_digits, fmt=mobile_format, before=filler, after=filler)
@settings(max_examples=200, deadline=None)
def test_any_written_form_of_a_mobile_number_is_found_as_one_e164_number(digits, fmt, before, after):
    # phonenumbers only accepts numbers in ranges India has allocated; those are the real ones. Its
    # verdict is the oracle, so a checker that found nothing at all would fail here.
    allocated = phonenumbers.is_valid_number(phonenumbers.parse(digits, "IN"))
    found = extract_phones(f"{before} {fmt(digits)} {after}", kesco_registry())
    assert found == ([f"+91{digits}"] if allocated else [])
    if found:
        assert check_message(f"{before} {fmt(digits)} {after}", kesco_registry()).verdict is Verdict.SCAM


# --- UPI IDs and sender IDs --------------------------------------------------------------------------


def test_a_upi_id_with_dots_is_not_also_taken_for_a_link():
    assert judged("Pay ramesh.co.in@ybl") == {"ramesh.co.in@ybl": False}


def test_it_reads_upi_ids_but_not_email_addresses():
    assert extract_upi_ids("Pay to Ramesh.K-12@okaxis or kesco@ybl, mail help@gmail.com") == [
        "ramesh.k-12@okaxis",
        "kesco@ybl",
    ]


# Found by hypothesis: "0.ac" was taken for a link, "AA-A00000" for an SMS header.
@example(handle="0.ac.0", psp="ybl", upper=False)
@example(handle="aa-a00000", psp="ybl", upper=True)
@example(handle="www.0", psp="ybl", upper=False)
@given(
    handle=st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}[a-z0-9]", fullmatch=True),
    psp=st.sampled_from(["ybl", "okaxis", "paytm", "oksbi", "upi", "ibl"]),
    upper=st.booleans(),
)
@settings(max_examples=200, deadline=None)
def test_any_upi_id_is_found_and_only_the_registered_one_is_official(handle, psp, upper):
    upi_id = f"{handle}@{psp}"
    written = upi_id.upper() if upper else upi_id
    assert extract_upi_ids(f"Pay to {written}, today") == [upi_id]
    result = check_message(f"UPI: {written}", kesco_registry())
    assert result.verdict is Verdict.SCAM
    assert [(f.kind, f.shown) for f in result.items] == [(ItemKind.UPI, upi_id)]


def test_the_registered_upi_id_is_official_in_any_case():
    assert judged("UPI: KESCO.Demo@ExampleUPI") == {OFFICIAL_UPI: True}


@pytest.mark.parametrize(
    "text",
    [
        f"Pay now: upi://pay?pa={OFFICIAL_UPI}/fraud&pn=KESCO",
        f"UPPCLT pay here upi://pay?pa={OFFICIAL_UPI}&pa=fraud.x@y&pn=KESCO",
        "upi://pay?pa=x@y&pn=KESCO",
        "upi://pay?pn=KESCO&am=10",
        f"upi:pay?pa={OFFICIAL_UPI}/fraud",  # however many slashes, as for web links
        f"UPI://PAY/?pa={OFFICIAL_UPI}.fraud",
    ],
)
def test_a_pasted_upi_payment_link_is_judged_by_its_whole_payee_like_a_qr_code(text):
    # The same upi://pay links that QR codes hold arrive by SMS and WhatsApp as tappable links.
    result = check_message(text, kesco_registry())
    assert result.verdict is Verdict.SCAM
    assert any(f.kind is ItemKind.UPI and not f.is_official for f in result.items)


def test_a_pasted_upi_payment_link_to_the_official_payee_is_official():
    result = check_message(f"upi://pay?pa={OFFICIAL_UPI}&pn=Anyone&am=10.00", kesco_registry())
    assert result.verdict is Verdict.OFFICIAL
    assert [(f.kind, f.shown) for f in result.items] == [(ItemKind.UPI, OFFICIAL_UPI)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("VM-UPPCLT: Your bill is ready", ["UPPCLT"]),
        ("AD-UPPCLA-S\nYour bill is ready", ["UPPCLA"]),
        ("JK-KESCOB dear consumer", ["KESCOB"]),
        ("uppclt", ["UPPCLT"]),
        ("  VK-UPPCLA ", ["UPPCLA"]),
        ("the consumer should pay", []),
        ("in-person visit", []),
    ],
)
def test_it_reads_sender_ids_from_sms_headers_and_alone(text, expected):
    assert extract_sender_ids(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "From AD-UPPCLA-S",
        "KESCO notice (VM-UPPCLT): your bill is not paid",
        "Dear consumer,\nVM-UPPCLT: pay at once",
        "Message from VM-UPPCLT",
    ],
)
def test_a_sender_id_header_counts_only_at_the_very_start_of_the_text(text):
    # An SMS app shows (and pastes) the header first; anywhere else anyone can have typed it, say
    # into a WhatsApp message, to borrow an official tick.
    assert extract_sender_ids(text) == []
    assert check_message(text, kesco_registry()).verdict is not Verdict.OFFICIAL


def test_a_whatsapp_message_quoting_an_official_sender_id_is_not_official():
    text = "KESCO: as per VM-UPPCLT your bill is due. Call 1912"
    result = check_message(text, kesco_registry())
    assert [f.kind for f in result.items] == [ItemKind.PHONE]
    assert check_message("Bill due, see VM-UPPCLT", kesco_registry()).verdict is Verdict.UNSURE


def test_a_word_beside_a_link_is_not_taken_for_a_sender_id():
    assert check_message("https://www.kesco.co.in Thanks", kesco_registry()).verdict is Verdict.OFFICIAL


def test_an_unknown_sender_id_is_not_official():
    assert judged("VM-KESCOB") == {"KESCOB": False}


# --- Scam phrases -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("आज रात 9:30 बजे आपकी बिजली काट दी जाएगी", "disconnection"),
        ("aaj raat bijli kat jayegi", "disconnection"),
        ("Your power will be disconnected tonight", "disconnection"),
        ("आपका पिछले महीने का बिल अपडेट नहीं हुआ है", "bill_not_updated"),
        ("bill update nahi hua hai", "bill_not_updated"),
        ("Your bill is not updated", "bill_not_updated"),
        ("तुरंत बिजली अधिकारी से संपर्क करें", "call_officer"),
        ("Contact electricity officer", "call_officer"),
        ("bijli adhikari ko call karo", "call_officer"),
        ("Download AnyDesk", "install_app"),
        ("Install Team Viewer", "install_app"),
        ("open KESCO_update.apk", "install_app"),
        ("ऐप इंस्टॉल करें", "install_app"),
        ("pay Rs 10 to update", "small_payment"),
        ("sirf ₹5 bhejiye", "small_payment"),
        ("केवल 10 रुपये भेजें", "small_payment"),
        ("update ke liye ₹10 भेजें", "small_payment"),
        ("QR scan karein", "scan_qr"),
        ("क्यूआर कोड स्कैन करें", "scan_qr"),
        ("share the OTP", "otp"),
        ("apna OTP batayein", "otp"),
        ("OTP bata do", "otp"),
        ("अपना ओटीपी बताएं", "otp"),
        ("Any\u200bDesk", "install_app"),  # a zero-width space hiding inside the word
        ("Sir your light bill pending, urgent pay today else disconnection", "pressure"),
        ("KESCO se aapke mobile par ek OTP aaya hoga, wo OTP humein bata dijiye", "otp"),
        ("Click the link and enter your UPI PIN to receive money", "otp"),
        ("Rs 10 token amount bhejiye 7991234567 pe GPay se", "small_payment"),
        ("bill not paid, your connection will be disconnected within 2 hours", "disconnection"),
        ("bhugtan turant karein warna connection kat jayega", "pressure"),
        ("payment immediately karein", "pressure"),
        ("bill jama karo warna light kat jayegi", "pressure"),
        ("तुरंत भुगतान करें", "pressure"),
        ("बिल जमा करें वरना कनेक्शन कट जाएगा", "pressure"),
        ("ＡＮＹＤＥＳＫ", "install_app"),  # full-width letters
    ],
)
def test_it_recognises_the_scams_phrases_in_hindi_english_and_hinglish(text, key):
    assert key in [phrase.key for phrase, _words in find_scam_phrases(text)]
    assert check_message(text, kesco_registry()).verdict is Verdict.SCAM


@pytest.mark.parametrize(
    "text",
    [
        "VM-UPPCLT: Bill of Rs 1,234.00 for a/c 2100000001 due on 10-12-2026. "
        "Pay at https://www.kesco.co.in or call 1912",
        "UPPCLA: बिल राशि 1500 रुपये, अंतिम तिथि 10 दिसंबर। www.uppclonline.com",
    ],
)
def test_a_genuine_bill_sms_is_official(text):
    # Mentions an amount, a 10-digit account number and a date: none of it is a warning sign.
    result = check_message(text, kesco_registry())
    assert result.phrases == ()
    assert result.verdict is Verdict.OFFICIAL


@pytest.mark.parametrize(
    "text",
    [
        "Planned shutdown tonight 11 pm to 2 am in Kidwai Nagar for maintenance.",
        "Never share your OTP or PIN with anyone.",
        "OTP किसी को न बताएं।",
        "Bill Rs 1,234 incl. late fee Rs 25. Due 10 Dec.",
        "आज रात 11 बजे से रखरखाव का काम होगा।",
        "Please pay your bill by 10-12-2026 to avoid disconnection.",
        # Genuine bill and notice wording a review found flagged.
        "VM-UPPCLT: यदि आपने अभी तक भुगतान नहीं किया है तो कृपया 10-12-2026 तक जमा करें।",
        "VM-UPPCLT: Aapka bhugtan abhi tak prapt nahi hua hai. Kripya 10-12-2026 tak jama karein.",
        "VM-UPPCLT: अभी भुगतान करें और 1% छूट पाएं।",
        "VM-UPPCLT: If already paid, please ignore. Otherwise pay by 10-12-2026 to avoid disconnection.",
        "VM-UPPCLT: नहीं तो 10-12-2026 तक भुगतान कर बिजली कटौती से बचें।",
        "VM-UPPCLT: Planned shutdown: power will be off today 10:00-14:00 in Kalyanpur.",
        "VM-UPPCLT: Supply will be disconnected within 15 days if not paid.",
        "VM-UPPCLT: Dont share your OTP with anyone.",
        "VM-UPPCLT: Don\u2019t share your OTP with anyone.",
        "VM-UPPCLT: Do not ever share your OTP.",
        "VM-UPPCLT: आपका बिल अपडेट कर दिया गया है।",
        "कृपया कटौती से बचने के लिए 10-12-2026 तक बिल जमा करें।",
        "Your payment of Rs 1,234 is received. Thank you.",
    ],
)
def test_genuine_notices_and_warnings_raise_no_scam_phrase(text):
    assert find_scam_phrases(text) == []


# --- Verdicts ---------------------------------------------------------------------------------------


def test_it_says_not_sure_when_there_is_nothing_to_compare():
    result = check_message("Hello, how are you?", kesco_registry())
    assert result.verdict is Verdict.UNSURE
    assert result.findings == ()


def test_one_unofficial_item_among_official_ones_makes_it_a_scam():
    result = check_message("VM-UPPCLT pay at https://www.kesco.co.in or to kesco@ybl", kesco_registry())
    assert result.verdict is Verdict.SCAM
    assert [f.shown for f in result.items if not f.is_official] == ["kesco@ybl"]


def test_a_scam_phrase_makes_official_contacts_a_scam():
    result = check_message("Bill not updated, call 1912", kesco_registry())
    assert result.verdict is Verdict.SCAM
    assert [f.is_official for f in result.items] == [True]


def test_it_lists_every_reason_for_the_typical_scam_message():
    text = (
        "प्रिय उपभोक्ता, आपका पिछले महीने का बिल अपडेट नहीं हुआ है। आज रात 9:30 बजे बिजली काट दी जाएगी। "
        "तुरंत बिजली अधिकारी 9876543210 से संपर्क करें या kesco-bill.in पर ₹10 भेजें।"
    )
    result = check_message(text, kesco_registry())
    assert result.verdict is Verdict.SCAM
    assert {f.kind for f in result.items} == {ItemKind.PHONE, ItemKind.LINK}
    assert len(result.phrases) >= 4


def test_it_marks_a_match_on_demo_data_as_such():
    [finding] = check_message("https://www.uppclonline.com", kesco_registry()).items
    assert finding.is_official
    assert finding.is_demo


def test_reasons_are_in_hindi_by_default():
    with translation.override("hi"):
        [finding] = check_message("https://bit.ly/abc", kesco_registry()).items
    with translation.override("en"):
        [english] = check_message("https://bit.ly/abc", kesco_registry()).items
    assert finding.reason != english.reason
    assert any("\u0900" <= char <= "\u097f" for char in finding.reason)


@given(text=st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_it_never_crashes_on_any_text(text):
    result = check_message(text, kesco_registry())
    assert result.verdict in set(Verdict)
    if result.verdict is Verdict.OFFICIAL:
        assert all(f.is_official for f in result.findings)


@pytest.mark.parametrize("text", ["Pay at kesco.co.in:1@evil.com", "Pay at kesco.co.in:pay@evil.com/bill"])
def test_a_bare_link_with_a_user_name_before_the_real_host_is_not_official(text):
    result = check_message(text, kesco_registry())
    assert result.verdict is Verdict.SCAM
    assert not any(finding.is_official for finding in result.items)


def test_an_official_link_in_a_message_that_rushes_you_is_still_a_scam():
    text = "Sir your light bill pending, urgent pay today else disconnection. Pay on www.kesco.co.in"
    result = check_message(text, kesco_registry())
    assert result.verdict is Verdict.SCAM
    assert [finding.is_official for finding in result.items] == [True]  # the link itself is official
