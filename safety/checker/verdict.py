"""The verdict: every item and phrase in a pasted text judged, and the one answer the consumer sees."""

from __future__ import annotations

from safety.checker.findings import CheckResult, Finding, ItemKind, Verdict
from safety.checker.links import extract_links, judge_link
from safety.checker.phones import extract_phones, judge_phone
from safety.checker.phrases import find_scam_phrases
from safety.checker.registry import Registry
from safety.checker.senders import extract_sender_ids, judge_sender
from safety.checker.text import TRAILING_PUNCTUATION, clean
from safety.checker.upi import UPI_LINK_RE, extract_upi_ids, judge_upi_id, upi_payment_findings, upi_payment_parse


def check_message(text: str, registry: Registry) -> CheckResult:
    """Judge what a consumer pasted. Pure: no database, no network, nothing stored."""
    findings: list[Finding] = []
    text_without_links = clean(text)
    # A payment link is judged as a QR code holding it is: by its whole payee, which is then not
    # read again as a UPI ID.
    for match in UPI_LINK_RE.finditer(text_without_links):
        raw = match.group(0).rstrip(TRAILING_PUNCTUATION)
        if payment := upi_payment_parse(raw):
            findings += upi_payment_findings(payment, registry)
            text_without_links = text_without_links.replace(raw, " ")
    links = extract_links(text_without_links)
    findings += [judge_link(link, registry) for link in links]
    # What is inside a link (wa.me/91..., a path like /AA-00000A) is judged as part of the link.
    for link in links:
        text_without_links = text_without_links.replace(link.raw, " ")
    findings += [judge_phone(number, registry) for number in extract_phones(text_without_links, registry)]
    findings += [judge_upi_id(upi_id, registry) for upi_id in extract_upi_ids(text_without_links)]
    # Read from the text as pasted: a header counts only at its very start. A bare six-letter word
    # counts only when it was pasted alone, not beside a link.
    senders = extract_sender_ids(text, allow_bare=not links)
    findings += [judge_sender(sender_id, registry) for sender_id in senders]
    for phrase, words in find_scam_phrases(text):
        findings.append(Finding(ItemKind.PHRASE, words, False, str(phrase.reason)))
    return result_of(findings)


def result_of(findings: list[Finding]) -> CheckResult:
    """Likely a scam if anything is not official, Official if everything is, Not sure if nothing was found."""
    if any(not finding.is_official for finding in findings):
        verdict = Verdict.SCAM
    elif findings:
        verdict = Verdict.OFFICIAL
    else:
        verdict = Verdict.UNSURE
    return CheckResult(verdict=verdict, findings=tuple(findings))
