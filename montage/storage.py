"""Uploads on an S3-compatible store, failing as the local disk fails.

``MEDIA_STORAGE=s3`` (montage/settings.py) selects ``MediaS3Storage``; the rest of
Montage speaks only Django's storage API, so local media and a bucket behave alike.
Imported only when S3 is configured: boto3 costs a worker some 35 MB.
"""

import functools
import posixpath

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from django.utils.crypto import get_random_string
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# A random suffix as long as Django's own (Storage.get_alternative_name).
_SUFFIX_LENGTH = 7


class StorageUnavailable(OSError):
    """The bucket could not be reached, or refused what it was asked."""


def _failing_as_oserror(method):
    """boto3's errors raised as OSError, which callers already expect of a storage."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (BotoCoreError, ClientError, Boto3Error) as error:
            raise StorageUnavailable(f"bucket {self.bucket_name}: {_first_line(error)}") from error

    return wrapper


def _first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class MediaS3Storage(S3Storage):
    """S3 storage where every saved file gets a name never used before.

    The upload's name with a random suffix, chosen without asking the bucket whether
    it is free (a HEAD request per file): an object never changes under its URL, so it
    may be cached for a year (the Cache-Control settings.py gives it). A failing
    bucket raises ``StorageUnavailable``, an OSError, as a failing disk would.
    """

    def get_available_name(self, name, max_length=None):
        directory, file_name = posixpath.split(clean_name(name))
        root, extension = posixpath.splitext(file_name)
        suffix = f"_{get_random_string(_SUFFIX_LENGTH)}{extension}"
        if max_length is not None:
            room = max_length - len(suffix) - (len(directory) + 1 if directory else 0)
            root = root[: max(room, 1)]
        return posixpath.join(directory, f"{root}{suffix}")

    _save = _failing_as_oserror(S3Storage._save)
    _open = _failing_as_oserror(S3Storage._open)
    delete = _failing_as_oserror(S3Storage.delete)
    exists = _failing_as_oserror(S3Storage.exists)
    size = _failing_as_oserror(S3Storage.size)
    listdir = _failing_as_oserror(S3Storage.listdir)
    get_modified_time = _failing_as_oserror(S3Storage.get_modified_time)

    @_failing_as_oserror
    def bucket_answers(self):
        """Raise StorageUnavailable unless the bucket exists and these keys may use it."""
        self.connection.meta.client.head_bucket(Bucket=self.bucket_name)
