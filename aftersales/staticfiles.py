"""The production storage of static files: WhiteNoise's hashed, compressed files, each distinct content compressed once.

``collectstatic`` (run by the image build) copies every static file, then Django's manifest storage writes a copy
under a hashed name, and WhiteNoise compresses both the original and the copy with Brotli at its best setting and
with gzip: most of the build step's time. For all but the CSS files (whose copies have their ``url()``s rewritten)
the two have the same bytes, so compressing each distinct content once and handing the result to both halves the
work and writes the same files. The originals stay: Django admin's scripts ask for some images by their plain name.

Source maps (``.map``) are not compressed: only a developer's browser tools fetch them, and they are a quarter of what
the build collects (the API docs' bundles' maps alone are 12 MB with their hashed copies). They are still served.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Future

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class OnceForEachContentCompressor(Compressor):
    """WhiteNoise's compressor that remembers what it compressed, by content, for one ``collectstatic`` run.

    WhiteNoise compresses from a thread pool, so the first thread to meet a content compresses it and any other
    waits for its result."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._results: dict[tuple[str, bytes], Future] = {}
        self._lock = threading.Lock()

    def compress_brotli(self, data: bytes) -> bytes:
        return self._once("br", data, Compressor.compress_brotli)

    def compress_gzip(self, data: bytes) -> bytes:
        return self._once("gz", data, Compressor.compress_gzip)

    def _once(self, method: str, data: bytes, compress: Callable[[bytes], bytes]) -> bytes:
        key = (method, hashlib.sha256(data).digest())
        with self._lock:
            result = self._results.get(key)
            first = result is None
            if first:
                result = self._results[key] = Future()
        if first:
            try:
                result.set_result(compress(data))
            except BaseException as error:
                result.set_exception(error)
        return result.result()


#: WhiteNoise's own list (formats already compressed) and source maps; ``WHITENOISE_SKIP_COMPRESS_EXTENSIONS`` in the
#: settings would still replace it.
SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """``CompressedManifestStaticFilesStorage`` with the compressor above (settings ``STORAGES["staticfiles"]``)."""

    def create_compressor(self, **kwargs) -> Compressor:
        if kwargs.get("extensions") is None:
            kwargs["extensions"] = SKIP_COMPRESS_EXTENSIONS
        return OnceForEachContentCompressor(**kwargs)
