"""An upload handler that stops storing a picture as soon as it passes the size limit.

Django would otherwise write the whole upload to a temporary file before any form could refuse
it. Past the limit the rest of that file is read and thrown away (SkipFile), the other form
fields still arrive, and the view tells the consumer the picture was too large.

Every safety form takes one picture, so a request may carry one file part, and the byte limit is
for the whole request, not for each part: 60 parts of 1.9 MB each would otherwise all be stored.
At a second file part the upload stops (StopUpload): the rest of the body is read and thrown away,
nothing more is stored, and the view says to send one picture.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import HttpRequest


class SizeCappedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.received = 0  # bytes of file data in this request, across all its parts
        self.file_parts = 0
        request.safety_upload_too_large = False
        request.safety_upload_too_many = False

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.file_parts += 1
        if self.file_parts > 1:
            # Django closes the files it already holds when an upload stops: the view must not read
            # request.FILES after this (it does not: it refuses the whole upload).
            self.request.safety_upload_too_many = True
            raise StopUpload(connection_reset=False)

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


def upload_refused(request: HttpRequest) -> bool:
    """Whether the picture(s) in this request were refused unread: too large, or more than one."""
    # The handler sets the flags while the body is parsed; reading request.FILES parses it if nothing has.
    request.FILES  # noqa: B018
    return request.safety_upload_too_large or request.safety_upload_too_many
