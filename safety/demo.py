"""Seed entries for the official registry, the "KESCO never..." rules, alerts and genuine messages.

All contacts are demo data (is_demo=True): staff must check each one against KESCO's own records
and verify it in the admin before the site goes live. UPPCLT, UPPCLA and 1912 come from the
project's brief; the UPI ID and the app below are INVENTED placeholders (".invalid" / "example")
so that the checker has one of each kind to compare against, and so are the division offices
(names, addresses and phone numbers made up for the lookup's no-match page). Entries that already exist are left
alone, so staff edits survive a second load_demo.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from safety.models import Alert, GenuineMessage, OfficialContact, SafetyRule

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
        name_hi="आपके खंड (डिवीज़न) कार्यालय का कैश काउंटर",
        name_en="Cash counter at your division office",
        value="KESCO division offices, Kanpur",
        address_hi="KESCO के खंड कार्यालय, कानपुर",
        address_en="KESCO division offices, Kanpur",
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
    dict(
        seed_key="upi-demo",
        kind=Kind.UPI,
        display_order=70,
        name_hi="डेमो UPI आईडी (काल्पनिक: असली आईडी से बदलें)",
        name_en="Demo UPI ID (invented: replace with the real one)",
        value="kesco.demo@exampleupi",
    ),
    dict(
        seed_key="app-demo",
        kind=Kind.APP,
        display_order=80,
        name_hi="डेमो ऐप (काल्पनिक: असली ऐप से बदलें)",
        name_en="Demo app (invented: replace with the real one)",
        value="Demo app",
        store_link="https://play.google.com/store/apps/details?id=in.example.kesco.demo",
    ),
)


def _demo_office(letter: str, order: int, area_hi: str, area_en: str) -> dict:
    # Invented, and saying so in both languages: staff replace each with a real office and verify it.
    return dict(
        seed_key=f"office-demo-{letter.lower()}",
        kind=Kind.DIVISION_OFFICE,
        display_order=order,
        name_hi=f"डेमो खंड कार्यालय {letter} ({area_hi}; काल्पनिक)",
        name_en=f"Demo division office {letter} ({area_en}; invented)",
        value=f"0512-000000{order - 89}",
        address_hi=f"डेमो पता {letter}, {area_hi}, कानपुर (काल्पनिक: असली पते से बदलें)",
        address_en=f"Demo address {letter}, {area_en}, Kanpur (invented: replace with the real one)",
        hours_hi="सोम-शनि, सुबह 10 से शाम 5",
        hours_en="Mon-Sat, 10 am to 5 pm",
    )


DIVISION_OFFICES = (
    _demo_office("A", 90, "किदवई नगर", "Kidwai Nagar"),
    _demo_office("B", 91, "गोविंद नगर", "Govind Nagar"),
    _demo_office("C", 92, "कल्याणपुर", "Kalyanpur"),
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


GENUINE_MESSAGES = (
    dict(
        seed_key="genuine-uppclt",
        sender_id="UPPCLT",
        display_order=10,
        description_hi="बिल और भुगतान की सूचना वाला SMS।",
        description_en="SMS about your bill and payments.",
        never_contains_hi="किसी का निजी मोबाइल नंबर, 'बिजली अधिकारी' को कॉल करने को कहना, ऐप का लिंक या QR कोड।",
        never_contains_en=(
            "A private mobile number, a request to call an 'electricity officer', an app link or a QR code."
        ),
    ),
    dict(
        seed_key="genuine-uppcla",
        sender_id="UPPCLA",
        display_order=20,
        description_hi="बिल और भुगतान की सूचना वाला SMS।",
        description_en="SMS about your bill and payments.",
        never_contains_hi="आज रात बिजली काटने की धमकी, 'बिल अपडेट नहीं हुआ' जैसी बात, या OTP/PIN माँगना।",
        never_contains_en=(
            "A threat to cut power tonight, a claim that your bill 'was not updated', or a request for an OTP/PIN."
        ),
    ),
)

ALERTS = (
    dict(
        seed_key="alert-new-numbers",
        title_hi="नई खाता संख्या के नाम पर ठगी से सावधान",
        title_en="Beware of fraud about the new account numbers",
        text_hi=(
            "ठग फ़ोन और WhatsApp पर कह रहे हैं कि आपका बिल 'अपडेट नहीं हुआ' और आज रात बिजली कट जाएगी। "
            "KESCO ऐसा कोई संदेश नहीं भेजता। कोई संदेश मिले तो कुछ भी करने से पहले उसे जाँचें।"
        ),
        text_en=(
            "Fraudsters call and WhatsApp people saying their bill 'was not updated' and power will be cut "
            "tonight. KESCO sends no such message. Got one? Check it before you do anything."
        ),
    ),
)


def load_safety_demo() -> tuple[int, int]:
    """Create missing seed entries; return how many contacts and rules exist in all."""
    for entry in (*CONTACTS, *DIVISION_OFFICES):
        fields = dict(entry)
        OfficialContact.objects.get_or_create(seed_key=fields.pop("seed_key"), defaults=fields)
    for entry in RULES:
        fields = dict(entry)
        SafetyRule.objects.get_or_create(seed_key=fields.pop("seed_key"), defaults=fields)
    for entry in GENUINE_MESSAGES:
        fields = dict(entry)
        GenuineMessage.objects.get_or_create(seed_key=fields.pop("seed_key"), defaults=fields)
    for entry in ALERTS:
        fields = dict(entry)
        # A demo alert runs for 30 days from the first load; staff change or switch it off.
        fields.update(starts_at=timezone.now(), ends_at=timezone.now() + datetime.timedelta(days=30))
        Alert.objects.get_or_create(seed_key=fields.pop("seed_key"), defaults=fields)
    return OfficialContact.objects.count(), SafetyRule.objects.count()
