"""Read a QR code from a photo or screenshot, safely, and say what it would do.

What is refused before decoding, and why: docs/safety.md, "Check a QR code". Nothing in a code is
opened or followed: a web link goes to the same offline checker as text.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from dataclasses import dataclass

import zxingcpp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from safety.checker import (
    CheckResult,
    Registry,
    UpiPayment,
    check_message,
    result_of,
    upi_payment_findings,
    upi_payment_parse,
)

logger = logging.getLogger(__name__)

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"


def image_max_megabytes() -> int:
    return settings.SAFETY_IMAGE_MAX_BYTES // (1024 * 1024)


def image_too_large_error() -> ValidationError:
    """The one "too large" message: from the form's check and from the upload cap that refuses unread."""
    return ValidationError(
        _("The picture is too large. Please send one under %(megabytes)s MB (a screenshot is enough)."),
        code="too_large",
        params={"megabytes": image_max_megabytes()},
    )


def _unreadable_error() -> ValidationError:
    return ValidationError(_("This picture could not be read. Please send another one."), code="unreadable")


def image_validate(data: bytes) -> Image.Image:
    """Open an uploaded PNG or JPEG within the limits, or raise ValidationError (translated)."""
    if len(data) > settings.SAFETY_IMAGE_MAX_BYTES:
        raise image_too_large_error()
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
        raise _unreadable_error() from None
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
class QrContent:
    text: str
    upi: UpiPayment | None
    check: CheckResult

    @property
    def is_web_link(self) -> bool:
        # As a browser reads it: http: and https: need no slashes (https:\\evil.com opens evil.com).
        return re.match(r"(?i)(?:https?:|www\.)", self.text) is not None


def qr_read(image: Image.Image, registry: Registry) -> list[QrContent]:
    """Every QR code in the picture, with what it would do and a verdict.

    Raises ValidationError (unreadable, as for a picture Pillow cannot open) when zxing-cpp refuses it.
    """
    grey = image.convert("L")
    try:
        barcodes = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode)
    except (ValueError, RuntimeError) as error:
        # ValueError for a side over 65,535 pixels: 65536x1 is within our pixel limit, and no QR code.
        width, height = grey.size
        logger.warning("qr picture refused by the decoder: %s, %dx%d pixels", type(error).__qualname__, width, height)
        raise _unreadable_error() from None
    contents = []
    for barcode in barcodes[:5]:
        text = barcode.text[: settings.SAFETY_MESSAGE_MAX_CHARS]
        # The whole code is the payment link (a name in it may hold raw spaces): judged by its payees.
        upi = upi_payment_parse(text)
        check = result_of(upi_payment_findings(upi, registry)) if upi else check_message(text, registry)
        contents.append(QrContent(text=text, upi=upi, check=check))
    return contents
