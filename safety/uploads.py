"""An upload handler that stops storing a picture as soon as it passes the size limit.

Django would otherwise write the whole upload to a temporary file before any form could refuse
it. Past the limit the rest of that file is read and thrown away (SkipFile), the other form
fields still arrive, and the view tells the consumer the picture was too large.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest


class SizeCappedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.received = 0
        request.safety_upload_too_large = False

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.SAFETY_IMAGE_MAX_BYTES:
            self.request.safety_upload_too_large = True
            raise SkipFile
        return raw_data  # passed on to Django's own handlers, which store it

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the uploaded file


def upload_capped(request: HttpRequest) -> None:
    """Install the cap; call before anything reads request.POST or request.FILES."""
    request.upload_handlers.insert(0, SizeCappedUploadHandler(request))
