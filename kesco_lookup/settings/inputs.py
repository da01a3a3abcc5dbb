"""What the site accepts, and how often: rate limits, sizes of messages, pictures, numbers and uploads
(the importer's own limits: imports.py)."""

from __future__ import annotations

from kesco_lookup.env import env_bool, env_int, env_list, env_str

# --- Rate limits ----------------------------------------------------------------------------------
# One named rule per purpose, as count/period (s, m, h, d), each counted in a sliding window:
# never more than the count in any such period, wherever it starts (kesco_lookup/limits.py).
RATE_LIMITS = {
    # Real lookups only (a valid form): a consumer needs one or two tries, a family a few more.
    "lookup_per_ip_minute": env_str("RATE_LOOKUP_PER_IP_MINUTE", "10/m"),
    # Caps what one address can harvest in a day, even slowly, with lists of stolen old numbers.
    "lookup_per_ip_day": env_str("RATE_LOOKUP_PER_IP_DAY", "100/d"),
    # Failed tries on one old number, counted for every number typed (existing or not, so the limit
    # itself reveals nothing). First per number and address: a family trying endings, or a stranger,
    # uses up only their own share (5 an hour, 10 a day: enough for every mobile a family has had).
    "lookup_failures_per_account_address_hour": env_str("RATE_LOOKUP_FAILURES_PER_ACCOUNT_ADDRESS_HOUR", "5/h"),
    "lookup_failures_per_account_address_day": env_str("RATE_LOOKUP_FAILURES_PER_ACCOUNT_ADDRESS_DAY", "10/d"),
    # Then per number from all addresses, the last line against guessing from many addresses: 30 a
    # day means all 10,000 mobile endings take 334 days (half that on average) however many addresses
    # guess; locking a number takes 4 addresses an hour (20/h) or 3 a day (30/d). README, 'Rate limits'.
    "lookup_failures_per_account_hour": env_str("RATE_LOOKUP_FAILURES_PER_ACCOUNT_HOUR", "20/h"),
    "lookup_failures_per_account_day": env_str("RATE_LOOKUP_FAILURES_PER_ACCOUNT_DAY", "30/d"),
    # Message checks reveal nothing personal, and many consumers share one carrier address, so the
    # limits are loose; they still stop a fraudster from tuning a message against the checker by
    # the thousand, and cap the work one address can make us do.
    "safety_check_per_ip_minute": env_str("RATE_SAFETY_CHECK_PER_IP_MINUTE", "20/m"),
    "safety_check_per_ip_day": env_str("RATE_SAFETY_CHECK_PER_IP_DAY", "300/d"),
    # Decoding an image costs far more than reading text: fewer per minute. The screenshots sent with
    # reports count here too (safety.limits.IMAGE_RULES): one allowance per address for decoding
    # pictures, whichever page sends them, so alternating pages buys no extra decoding.
    "safety_qr_per_ip_minute": env_str("RATE_SAFETY_QR_PER_IP_MINUTE", "6/m"),
    "safety_qr_per_ip_day": env_str("RATE_SAFETY_QR_PER_IP_DAY", "100/d"),
    # A victim reports one or two scams; a family or a shop on one address a few more. Beyond that
    # it is someone flooding the staff's triage list.
    "safety_report_per_ip_hour": env_str("RATE_SAFETY_REPORT_PER_IP_HOUR", "5/h"),
    "safety_report_per_ip_day": env_str("RATE_SAFETY_REPORT_PER_IP_DAY", "20/d"),
}
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", default=True)
# The client address is REMOTE_ADDR (IPv4-mapped IPv6 unwrapped). X-Forwarded-For is read only when
# the connecting peer is one of these proxies (comma-separated addresses or networks, e.g.
# "10.0.0.5,10.1.0.0/16").
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# GET /metrics answers these addresses or networks (the client address as above, so a forged
# X-Forwarded-For buys nothing), or a request bearing METRICS_TOKEN; everyone else gets a 404.
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES")
METRICS_TOKEN = env_str("METRICS_TOKEN", default="")
# A cache that cannot be reached counts as "limited": the lookup closes rather than open up to
# unlimited guessing (README, 'Rate limits'). kesco_lookup/limits.py always fails closed.

# --- Consumer safety (safety app) -----------------------------------------------------------------
# A forwarded SMS or WhatsApp message is a few hundred characters; 2,000 fits the longest real ones.
SAFETY_MESSAGE_MAX_CHARS = env_int("SAFETY_MESSAGE_MAX_CHARS", 2000)
# A phone screenshot is well under 2 MB as PNG/JPEG and under 12 megapixels; anything bigger is
# refused before it is decoded (decompression bombs included).
SAFETY_IMAGE_MAX_BYTES = env_int("SAFETY_IMAGE_MAX_BYTES", 2 * 1024 * 1024)
SAFETY_IMAGE_MAX_PIXELS = env_int("SAFETY_IMAGE_MAX_PIXELS", 12_000_000)

# --- Account numbers ------------------------------------------------------------------------------
OLD_ACCOUNT_NUMBER_LENGTH = env_int("OLD_ACCOUNT_NUMBER_LENGTH", 8)
# Odd legacy numbers exist: accept 6 to 12 digits in the old-number field.
OLD_ACCOUNT_NUMBER_MIN_LENGTH = env_int("OLD_ACCOUNT_NUMBER_MIN_LENGTH", 6)
OLD_ACCOUNT_NUMBER_MAX_LENGTH = env_int("OLD_ACCOUNT_NUMBER_MAX_LENGTH", 12)
NEW_ACCOUNT_NUMBER_LENGTH = env_int("NEW_ACCOUNT_NUMBER_LENGTH", 10)

# --- Request bodies and uploads -------------------------------------------------------------------
# Uploads larger than this go to a temporary file, not memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Request bodies larger than this are refused (413) from their Content-Length, before Django reads a
# byte: Django would otherwise stream any upload to a temporary file, however large. The largest
# thing a consumer sends is a 2 MB screenshot; 3 MB leaves room for the form around it. The front
# proxy should cap bodies too (client_max_body_size), this is the backstop.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 3 * 1024 * 1024, minimum=64 * 1024)
# Mapping files, uploaded by staff with the import permission only. A 750,000-row CSV is about 55 MB,
# twice that as Excel's UTF-16 "Unicode text".
IMPORTS_MAX_FILE_BYTES = env_int("IMPORTS_MAX_FILE_BYTES", 200 * 1024 * 1024, minimum=1024 * 1024)
