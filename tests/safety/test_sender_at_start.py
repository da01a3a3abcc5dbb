"""Sender IDs at the start of a pasted SMS, as phones paste them: with or without the operator prefix."""

from __future__ import annotations

import pytest

from safety.checker import ItemKind, Verdict, check_message, extract_sender_ids
from tests.safety.helpers import kesco_registry
from tests.safety.test_corpus import GENUINE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UPPCLT: Your bill of Rs 1,540 is ready.", ["UPPCLT"]),
        ("VM-UPPCLT: Your bill is ready", ["UPPCLT"]),
        ("AD-UPPCLA - Your bill is ready", ["UPPCLA"]),
        ("UPPCLA - Your bill is ready", ["UPPCLA"]),
        ("UPPCLT:Your bill is ready", ["UPPCLT"]),
        ("UPPCLT\nYour bill is ready", ["UPPCLT"]),
        ("UPPCLT-S: Your bill is ready", ["UPPCLT"]),
        ("KESCOB: bill not updated, power cut tonight", ["KESCOB"]),
    ],
)
def test_it_reads_a_sender_id_at_the_start_of_a_pasted_sms(text, expected):
    assert extract_sender_ids(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "NOTICE: your bill is ready",
        "Please: pay by the due date",
        "Notice u/s 56: Rs 8,765 is outstanding",
        "KESCO: pay only at www.kesco.co.in",
        "482913: your OTP",
        "Dear consumer, UPPCLT: is our sender",
        "Bill: UPPCLT",
    ],
)
def test_a_capital_heading_or_an_id_further_in_is_not_a_sender(text):
    assert extract_sender_ids(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "UPPCLT: Dear Consumer, bill of Rs 2,345.00 for A/c No 2134567890 for Feb-2026 has been generated. "
        "Due date 15-03-2026. Pay online at www.kesco.co.in or call 1912. KESCO",
        "UPPCLA: प्रिय उपभोक्ता, खाता संख्या 2134567890 का फरवरी 2026 का बिल ₹1,876 जारी किया गया है। www.uppclonline.com",
        "AD-UPPCLA - Payment of Rs 980 received for A/c 2156789012. Thank you. KESCO",
    ],
)
def test_a_genuine_sms_pasted_with_its_sender_first_is_official(text):
    result = check_message(text, kesco_registry())
    assert result.verdict is Verdict.OFFICIAL
    assert (ItemKind.SENDER_ID, True) in [(item.kind, item.is_official) for item in result.items]


def test_a_scam_sms_pasted_with_an_unknown_sender_first_is_a_scam_because_of_it():
    result = check_message("KESCOB: Your payment is received. KESCO", kesco_registry())
    assert result.verdict is Verdict.SCAM
    assert [(item.kind, item.shown, item.is_official) for item in result.items] == [
        (ItemKind.SENDER_ID, "KESCOB", False)
    ]


@pytest.mark.parametrize("text", GENUINE)
def test_the_genuine_corpus_pasted_without_the_operator_prefix_is_still_not_a_scam(text):
    # "VM-UPPCLT: ..." as some phones paste it: "UPPCLT: ...".
    without_prefix = text[3:] if text[2:3] == "-" and text[:2].isupper() else text
    assert check_message(without_prefix, kesco_registry()).verdict is not Verdict.SCAM
