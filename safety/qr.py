"""Read a QR code from a photo or screenshot, safely, and say what it would do.

The image is refused before decoding when it is too large in bytes or pixels, is not really a PNG
or JPEG (judged by its content, not its name), or is a decompression bomb. Decoding is zxing-cpp.
Nothing in the code is opened or followed: a web link goes to the same offline checker as text.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlsplit

import zxingcpp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from safety.checker import CheckResult, Finding, ItemKind, Registry, check_message, judge_upi_id, result_of

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"


def image_validate(data: bytes) -> Image.Image:
    """Open an uploaded PNG or JPEG within the limits, or raise ValidationError (translated)."""
    if len(data) > settings.SAFETY_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The picture is too large. Please send one under %(megabytes)s MB (a screenshot is enough)."),
            code="too_large",
            params={"megabytes": settings.SAFETY_IMAGE_MAX_BYTES // (1024 * 1024)},
        )
    if not (data.startswith(_PNG_MAGIC) or data.startswith(_JPEG_MAGIC)):
        raise ValidationError(_("Please send a PNG or JPEG picture (a photo or a screenshot)."), code="not_image")
    try:
        with warnings.catch_warnings():
            # Pillow only warns at its own threshold; any bomb warning is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=("PNG", "JPEG"))
            width, height = image.size
            if width * height > settings.SAFETY_IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("The picture has too many pixels. Please send a smaller screenshot."), code="too_many_pixels"
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The picture has too many pixels. Please send a smaller screenshot."), code="too_many_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This picture could not be read. Please send another one."), code="unreadable"
        ) from None
    return image


def image_reencode(image: Image.Image) -> tuple[bytes, str]:
    """The picture saved afresh, without EXIF (phone photos carry the place they were taken)."""
    buffer = io.BytesIO()
    if image.format == "JPEG":
        image.convert("RGB").save(buffer, format="JPEG", quality=85)
        return buffer.getvalue(), "jpg"
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), "png"


@dataclass(frozen=True)
class UpiPayment:
    payee_upi_ids: tuple[str, ...]  # every pa= in the code, each whole, trimmed, lower case
    payee_name: str
    amount: str  # as written in the code, e.g. "10.00"; empty when the payer types it
    repeated: tuple[str, ...] = ()  # parameters given more than once ("pa", "am")

    @property
    def payee_upi_id(self) -> str:
        """The payee, when the code names exactly one."""
        return self.payee_upi_ids[0] if len(self.payee_upi_ids) == 1 else ""


@dataclass(frozen=True)
class QrContent:
    text: str
    upi: UpiPayment | None
    check: CheckResult

    @property
    def is_web_link(self) -> bool:
        return self.text.lower().startswith(("http://", "https://", "www."))


def upi_payment_parse(text: str) -> UpiPayment | None:
    """The payees, name and amount of a upi://pay link, else None."""
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return None
    if parts.scheme.lower() != "upi" or parts.netloc.lower() != "pay":
        return None
    # Everything after the "?", fragment included: an app that splits on "&" alone would read a
    # payee hidden after a "#". Names in any case: "PA" may be read as "pa".
    pairs = [(key.strip().lower(), value) for key, value in parse_qsl(text.partition("?")[2], keep_blank_values=True)]
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        values.setdefault(key, []).append(value)
    amount = (values.get("am") or [""])[0].strip()
    try:
        amount = str(Decimal(amount)) if amount and Decimal(amount).is_finite() else ""
    except InvalidOperation:
        amount = ""
    return UpiPayment(
        payee_upi_ids=tuple(dict.fromkeys(value.strip().lower() for value in values.get("pa", []))),
        payee_name=(values.get("pn") or [""])[0].strip()[:100],
        amount=amount,
        repeated=tuple(key for key, given in values.items() if len(given) > 1),
    )


def upi_payment_check(upi: UpiPayment, registry: Registry) -> CheckResult:
    """Judge a UPI payment code by its payee alone: the name in it is whatever its maker typed.

    A payee is official only when the complete pa= value is a registered UPI ID; anything else, or
    no payee at all, is not an official KESCO payee. A parameter given twice is a scam reason of its
    own: apps disagree on which one they use, so the page could show one payee and the app pay another.
    """
    findings = []
    if upi.repeated:
        reason = _(
            "This code gives %(names)s more than once. A payment app may use a different one from the one "
            "shown. KESCO's codes never do this."
        ) % {"names": ", ".join(upi.repeated)}
        findings.append(Finding(ItemKind.UPI, ", ".join(f"{name}=…" for name in upi.repeated), False, str(reason)))
    for payee in upi.payee_upi_ids:
        finding = judge_upi_id(payee, registry)
        findings.append(replace(finding, shown=payee if len(payee) <= 80 else payee[:79] + "…"))
    if not upi.payee_upi_ids:
        reason = _("This payment code names no payee UPI ID we can check.")
        findings.append(Finding(ItemKind.UPI, "-", False, str(reason)))
    return result_of(findings)


def qr_read(image: Image.Image, registry: Registry) -> list[QrContent]:
    """Every QR code in the picture, with what it would do and a verdict."""
    grey = image.convert("L")
    contents = []
    for barcode in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode)[:5]:
        text = barcode.text[: settings.SAFETY_MESSAGE_MAX_CHARS]
        upi = upi_payment_parse(text)
        check = upi_payment_check(upi, registry) if upi else check_message(text, registry)
        contents.append(QrContent(text=text, upi=upi, check=check))
    return contents
