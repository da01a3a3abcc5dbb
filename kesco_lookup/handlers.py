"""The WSGI and ASGI handlers, whose requests survive any charset a client declares.

Django takes a Content-Type's charset as the request's encoding whenever Python has a codec of that
name. Under WSGI it decodes the query string with it while the request is being built: before any
middleware, so no page of ours could answer. A codec that is no text encoding (base64, rot13, zlib...)
then raises LookupError, and the server sends its own bare 500 (under ASGI the same fails later, on a
form). These requests keep such a charset out of their encoding; UnreadableRequestMiddleware
(kesco_lookup.middleware) answers them with the 400 page.
"""

from __future__ import annotations

import codecs

from django.core.handlers.asgi import ASGIHandler, ASGIRequest
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.utils.http import parse_header_parameters


def text_encoding(charset: str) -> str | None:
    """Python's name for the charset ("utf8" -> "utf-8") if text can be decoded in it, else None."""
    try:
        codec = codecs.lookup(charset)
        # LookupError for a codec that is no text encoding (base64, rot13, zlib), UnicodeError for
        # Python's "undefined" codec, which fails on anything.
        "a".encode(charset)
    except (LookupError, UnicodeError):
        return None
    return codec.name


class _DeclaredCharsetKept:
    def _set_content_type_params(self, meta: dict) -> None:
        # As Django's own, but a charset becomes the encoding only if text can be decoded in it.
        self.content_type, self.content_params = parse_header_parameters(meta.get("CONTENT_TYPE", ""))
        charset = self.content_params.get("charset")
        if charset is not None and text_encoding(charset) is not None:
            self.encoding = charset


class SiteWSGIRequest(_DeclaredCharsetKept, WSGIRequest):
    pass


class SiteASGIRequest(_DeclaredCharsetKept, ASGIRequest):
    pass


class SiteWSGIHandler(WSGIHandler):
    request_class = SiteWSGIRequest


class SiteASGIHandler(ASGIHandler):
    request_class = SiteASGIRequest
