"""Seed entries for the official registry and the "KESCO never..." rules.

All contacts are demo data (is_demo=True): staff must check each one against KESCO's own records
and verify it in the admin before the site goes live. Entries that already exist are left alone,
so staff edits survive a second load_demo.
"""

from __future__ import annotations

from safety.models import OfficialContact, SafetyRule

Kind = OfficialContact.Kind

CONTACTS = (
    dict(
        seed_key="website-kesco",
        kind=Kind.WEBSITE,
        is_payment_channel=True,
        display_order=10,
        name_hi="KESCO की वेबसाइट",
        name_en="KESCO website",
        value="https://www.kesco.co.in",
        hours_hi="24 घंटे",
        hours_en="24 hours",
    ),
    dict(
        seed_key="website-uppcl",
        kind=Kind.WEBSITE,
        is_payment_channel=True,
        display_order=20,
        name_hi="UPPCL उपभोक्ता पोर्टल",
        name_en="UPPCL consumer portal",
        value="https://www.uppclonline.com",
        hours_hi="24 घंटे",
        hours_en="24 hours",
    ),
    dict(
        seed_key="bbps-kesco",
        kind=Kind.BBPS,
        is_payment_channel=True,
        display_order=30,
        name_hi="भारत बिल पेमेंट (BBPS): अपने बैंक या UPI ऐप में बिलर 'Kanpur Electricity Supply Company'",
        name_en="Bharat BillPay (BBPS): in your bank or UPI app, biller 'Kanpur Electricity Supply Company'",
        value="Kanpur Electricity Supply Company",
        hours_hi="24 घंटे",
        hours_en="24 hours",
    ),
    dict(
        seed_key="counter-divisions",
        kind=Kind.CASH_COUNTER,
        is_payment_channel=True,
        display_order=40,
        name_hi="आपके खंड कार्यालय का कैश काउंटर",
        name_en="Cash counter at your division office",
        value="KESCO division offices, Kanpur",
        hours_hi="सोम-शनि, सुबह 10 से शाम 5",
        hours_en="Mon-Sat, 10 am to 5 pm",
    ),
    dict(
        seed_key="phone-helpline",
        kind=Kind.PHONE,
        display_order=50,
        name_hi="बिजली हेल्पलाइन",
        name_en="Electricity helpline",
        value="1912",
        hours_hi="24 घंटे",
        hours_en="24 hours",
    ),
    dict(
        seed_key="sender-uppclt",
        kind=Kind.SENDER_ID,
        display_order=60,
        name_hi="बिल SMS भेजने वाली आईडी",
        name_en="Bill SMS sender ID",
        value="UPPCLT",
    ),
    dict(
        seed_key="sender-uppcla",
        kind=Kind.SENDER_ID,
        display_order=61,
        name_hi="बिल SMS भेजने वाली आईडी",
        name_en="Bill SMS sender ID",
        value="UPPCLA",
    ),
)

RULES = (
    dict(
        seed_key="never-threaten",
        display_order=10,
        text_hi="KESCO कभी भी फ़ोन या मैसेज करके आज रात बिजली काटने की धमकी नहीं देता।",
        text_en="KESCO never calls or messages you to threaten disconnection tonight.",
    ),
    dict(
        seed_key="never-links",
        display_order=20,
        text_hi="KESCO कभी भी WhatsApp पर भुगतान का लिंक या QR कोड नहीं भेजता।",
        text_en="KESCO never sends payment links or QR codes on WhatsApp.",
    ),
    dict(
        seed_key="never-apps",
        display_order=30,
        text_hi="KESCO कभी भी आपसे कोई ऐप (AnyDesk, TeamViewer या APK फ़ाइल) इंस्टॉल करने को नहीं कहता।",
        text_en="KESCO never asks you to install an app (AnyDesk, TeamViewer or an APK file).",
    ),
    dict(
        seed_key="never-otp",
        display_order=40,
        text_hi="KESCO कभी भी OTP, PIN या बैंक विवरण नहीं माँगता।",
        text_en="KESCO never asks for your OTP, PIN or bank details.",
    ),
    dict(
        seed_key="sender-ids",
        display_order=50,
        text_hi="बिल के SMS केवल आधिकारिक सेंडर आईडी UPPCLT और UPPCLA से आते हैं।",
        text_en="Bill SMS come only from the official sender IDs UPPCLT and UPPCLA.",
    ),
    dict(
        seed_key="helpline",
        display_order=60,
        text_hi="संदेह हो तो कोई लिंक न खोलें; हेल्पलाइन 1912 पर कॉल करें।",
        text_en="If in doubt, open no link; call the helpline 1912.",
    ),
)


def load_safety_demo() -> tuple[int, int]:
    """Create missing seed entries; return how many contacts and rules exist in all."""
    for entry in CONTACTS:
        fields = dict(entry)
        OfficialContact.objects.get_or_create(seed_key=fields.pop("seed_key"), defaults=fields)
    for entry in RULES:
        fields = dict(entry)
        SafetyRule.objects.get_or_create(seed_key=fields.pop("seed_key"), defaults=fields)
    return OfficialContact.objects.count(), SafetyRule.objects.count()
