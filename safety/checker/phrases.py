"""The tell-tale phrases of the "bill not updated, disconnection tonight" scam, and finding them in a text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy

from safety.checker.text import normalise_text

# Pieces shared by the phrase patterns below.
# A time window after "tonight" ("tonight 11 PM-1 AM") makes a schedule, not a threat.
_WINDOW = r"(?! (from )?\d{1,2}([:.]\d\d)? ?(am|pm)? ?(to|-|till|until) ?\d)"
# Cutting the power, in Hinglish and English; katauti ("the cut", a notice's noun) and "band rahegi"
# ("will stay off", a planned shutdown) are not threats.
_CUT_HL = r"(kat(?!auti)\w*|kaat\w*|\bcut\b(?! rah)|band(?! rah)|disconnect\w*)"
_CUT_HI = r"(काट|कट(?!ौती)|बंद(?! रह)|रोक)"
_ASKED_TO_PAY = r"(pay\b|payment kar\w*|send|bhej\w*|ka bhugtan kar\w*|jama kar\w*)"


@dataclass(frozen=True)
class ScamPhrase:
    key: str
    reason: str  # lazy, translated when shown
    patterns: tuple[str, ...]  # regular expressions over normalise_text() output


# Each group: English, Hinglish (Hindi in Latin letters, as typed on phones) and Hindi variants.
SCAM_PHRASES: tuple[ScamPhrase, ...] = (
    ScamPhrase(
        "disconnection",
        gettext_lazy('It threatens to cut your electricity soon ("tonight"). KESCO never does this by message.'),
        (
            # "Tonight" alone is not enough: a genuine planned-shutdown notice may say it.
            # A time window ("tonight 11 PM-1 AM") is a schedule, not a threat; "executive" holds "cut".
            r"\b(disconnect\w*|cut|kat(?!auti)\w*|kaat\w*)\b.{0,40}tonight" + _WINDOW,
            r"tonight.{0,40}(disconnect\w*|cut off|be cut)",
            # A deadline in hours: a statutory notice says "disconnected within 15 days if not paid".
            r"disconnect\w* (today|tonight|(within|in) \d+ ?(hours?|hrs?|minutes?|mins?))",
            r"(will|shall) be disconnected (today|tonight|(within|in) \d+ ?(hours?|hrs?|minutes?|mins?))",
            # "Cut", not "off": a planned-shutdown notice says "power will be off today 10:00-14:00".
            # The "9:30 PM" wave, without "tonight"; a notice gives a window and says when supply is restored.
            r"(power|electricity|connection) (will be )?cut (today|tonight)" + _WINDOW,
            r"(disconnect\w*|\bcut( off)?|switched off|turned off|stopped|shut down) (\w+ ){0,2}(at|by|after) "
            r"\d{1,2}[:.]\d\d ?pm\b(?! ?(to|-|till|until) ?\d)(?!.{0,40}(restor|maintenance|work\b|shutdown))",
            r"\d{1,2}[:.]\d\d ?(pm|baje)( ko| se)?(?! ?(to|-|till|until|se|tak) ?\d).{0,30}" + _CUT_HL,
            r"aa?j (raa?t|shaa?m).{0,60}" + _CUT_HL,
            # The verb alone is also what a lawful 15-day notice says: a deadline in hours is the threat.
            r"(?<!\d)\d{1,3} ?(ghante|ghanton|hours?|hrs?|minutes?|mins?)( mein| me| main| ke andar| ke bhitar)?.{0,40}"
            + _CUT_HL,
            r"आज (रात|शाम).{0,60}" + _CUT_HI,
            r"(?<!\d)\d{1,3} ?(घंटे|घंटों|मिनट)( में| के अंदर| के भीतर)?.{0,40}" + _CUT_HI,
        ),
    ),
    ScamPhrase(
        "pressure",
        gettext_lazy(
            'It rushes you to pay ("urgent", "right now", "or else disconnection"). A real bill gives a due date '
            "and never threatens."
        ),
        (
            # A real bill may say "pay by 10-12-2026 to avoid disconnection"; it never says "urgent",
            # "immediately" or "or else".
            r"\burgent(ly)?\b.{0,30}(pay|payment|bill|bhugtan|jama|bhar)",
            # "abhi tak" / "अभी तक" is "yet" ("not paid yet"), and "pay now and get 1% off" is a real offer:
            # only "immediately" and its kin count, not "now".
            r"(pay|payment|bhugtan|jama kar\w*|bhar\w*) (\w+ ){0,3}(immediately|right now|turant|urgent(ly)?)\b",
            # "Otherwise pay by <date> to avoid disconnection" is what a real bill says: not if "avoid" comes first.
            # "Pay within 15 days, otherwise supply will be disconnected" is the lawful notice.
            r"(?<!days, )(?<!days )(?<!din, )(?<!din )\b(else|otherwise|warna|varna|nahi to|nahin to|nhi to)\b"
            r"(?:(?!avoid|bach).){0,30}"
            r"(disconnect\w*|\bcut\b|\bkat\w*|\bkaat\w*|\bband\b)",
            r"(तुरंत|तुरन्त|फ़ौरन|फौरन) .{0,20}(भुगतान|जमा|पेमेंट|भरें)",
            r"(भुगतान|जमा|पेमेंट).{0,20}(तुरंत|तुरन्त|फ़ौरन|फौरन)",
            # कटौती ("cut", as in "avoid the cut") is the genuine notice's word; बच ("avoid") likewise.
            r"(वरना|नहीं तो) (?:(?!बच).){0,30}(कट(?!ौती)|काट|बंद)",
        ),
    ),
    ScamPhrase(
        "bill_not_updated",
        gettext_lazy('It says your bill was "not updated". This is the scam\'s usual opening.'),
        (
            r"(bill|payment) (is |was |has )?(not|nt) (been )?updated",
            # About the bill, not the consumer's mobile number ("if your mobile is not updated, update it").
            r"(bill|payment|kyc)\b.{0,30}\bnot (updated?|reflect\w*|showing)\b",
            r"(bill|payment)\b.{0,30}\b(update|show|reflect|dikh) (nahi|nahin|nhi) (hua|ho raha|hai|dikh)",
            r"update your bill",
            r"bill update (nahi|nahin|nhi|na)",
            r"update (nahi|nahin|nhi) (hua|hai)",
            r"बिल अपडेट नहीं",
            r"(बिल|भुगतान|केवाईसी).{0,30}(अपडेट|दर्ज) नहीं",
        ),
    ),
    ScamPhrase(
        "call_officer",
        gettext_lazy('It asks you to call an "electricity officer". Call only the helpline 1912.'),
        (
            r"electricity officer",
            r"(call|contact) (the |our |this )?(electricity |bijli )?officer",
            # "Bijli vibhag" alone is just "the electricity department".
            r"bijl?i (vibhag (ke |ka )?)?(adhikari|officer)",
            r"officer (ko|se) (call|phone|baat|sampark)",
            r"बिजली अधिकारी",
            r"अधिकारी (से|को) (संपर्क|कॉल|फोन|फ़ोन|बात)",
            r"बिजली विभाग (के )?अधिकारी",
        ),
    ),
    ScamPhrase(
        "install_app",
        gettext_lazy(
            "It asks you to install an app (AnyDesk, TeamViewer or an APK file). This gives a stranger your phone."
        ),
        (
            r"any ?desk",
            r"team ?viewer",
            r"quick ?support",
            r"rust ?desk",
            r"\.apk\b",
            r"\bapk\b",
            r"install (the |this |our )?app",
            r"download (the |this |our )?app",
            r"app (install|download)",
            r"एनीडेस्क",
            r"टीम ?व्यूअर",
            r"ऐप (इंस्टॉल|इन्स्टॉल|डाउनलोड)",
            r"एप (इंस्टॉल|डाउनलोड)",
        ),
    ),
    ScamPhrase(
        "small_payment",
        gettext_lazy('It asks for a small payment to "update" something. KESCO never asks for this.'),
        (
            # Only an amount under ₹100 that the message asks to pay or send: a genuine bill may list
            # a small surcharge, but never asks for it on its own.
            r"small amount",
            r"(pay|send|transfer|deposit|bhej\w*|jama kar\w*) (only |just |sirf |keval )?"
            r"(rs\.?|inr|₹) ?\d{1,2}(\.00?)?(?![\d,])",
            # Asked for, not received: "Rs 50 jama ho gaye" is a prepaid meter's credit.
            r"(rs\.?|inr|₹) ?\d{1,2}(\.00?)?(?![\d,]) ?" + _ASKED_TO_PAY,
            # "Rs 10 token amount bhejiye": words between the amount and the ask.
            r"(?<![\d,.])(rs\.?|inr|₹) ?\d{1,2}(\.00?)?(?![\d,]) (\w+ ){1,3}(bhej\w*|send kar\w*)",
            r"(?<![\d,.])\d{1,2} ?(rs|rupees?|rupaye) " + _ASKED_TO_PAY,
            r"(chhota|chota) (sa )?(payment|bhugtan|amount)",
            r"(?<![\d,.])\d{1,2} ?(रुपये|रुपए|रु\.?) (भेजें|भेजिए|भेजो|का भुगतान कर|जमा कर)",
            r"₹ ?\d{1,2}(\.00?)?(?![\d,]) (भेजें|भेजिए|भेजो|का भुगतान कर|जमा कर)",
            r"छोटी (सी )?राशि",
            r"छोटा (सा )?भुगतान",
        ),
    ),
    ScamPhrase(
        "scan_qr",
        gettext_lazy("It asks you to scan a QR code. Scanning a QR code can only send money, never receive it."),
        (
            r"scan (this |the )?qr",
            r"qr ?(code )?(scan|bhej|send)",
            r"scan (kare?i?n?|karo|kijiye)\b",
            r"(क्यूआर|qr) (कोड )?(को )?स्कैन",
            r"स्कैन (करें|करे|करो|कीजिए|कीजिये)",
        ),
    ),
    ScamPhrase(
        "otp",
        gettext_lazy("It asks for an OTP, PIN or bank details. KESCO never asks for these."),
        (
            # Asking for it, not warning about it: "never share your OTP" is what a genuine message says.
            r"(?<!never )(?<!not )(?<!n't )(?<!dont )(?<!ever )(?<!na )(?<!mat )(?<!ask you to )(?<!asks you to )"
            r"(share|send|tell|give|bata\w*|bhej\w*) (\w+ ){0,3}(otp|pin|cvv)\b",
            r"\b(otp|pin|cvv) (bata\w*|bhej\w*|share kar\w*|send kar\w*)",
            r"(ओटीपी|otp|पिन|pin) (बताएं|बताएँ|बताइए|बताइये|बताओ|भेजें|भेजिए|भेजो|शेयर करें)",
            # "wo OTP humein bata dijiye": a word or two between the code and the verb.
            r"\b(otp|pin|cvv) (\w+ ){1,2}(?<!na )(?<!mat )(?<!nahi )(?<!nahin )(bata\w*|bhej\w*)",
            # The refund trick: a PIN is only ever typed to pay, never to receive money.
            r"(enter|daal\w*|dal\w*|likh\w*) (your |apna |apni )?(upi |atm )?(pin|mpin)\b",
        ),
    ),
)


@cache
def _compiled_phrases() -> tuple[tuple[ScamPhrase, tuple[re.Pattern[str], ...]], ...]:
    return tuple((phrase, tuple(re.compile(p) for p in phrase.patterns)) for phrase in SCAM_PHRASES)


def find_scam_phrases(text: str) -> list[tuple[ScamPhrase, str]]:
    """Each phrase group found, with the words that matched (from the consumer's own text)."""
    normalised = normalise_text(text)
    found = []
    for phrase, patterns in _compiled_phrases():
        for pattern in patterns:
            match = pattern.search(normalised)
            if match:
                found.append((phrase, match.group(0).strip()))
                break
    return found
