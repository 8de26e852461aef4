"""The production static files storage: every file hashed and compressed as WhiteNoise does, each content once."""

from __future__ import annotations

import gzip
import threading

import brotli
import pytest
import whitenoise.compress
from django.core.management import call_command
from django.test import override_settings

from aftersales.staticfiles import OnceForEachContentCompressor

SCRIPT = b"console.log('the same script under two names');\n" * 40
OTHER_SCRIPT = b"console.log('another script');\n" * 40
STYLE = b"body { background: url('img/dot.svg'); }\n" * 20
SOURCE_MAP = b'{"version": 3, "sources": ["a.js"], "mappings": "AAAA"}\n' * 40
DOT = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>\n' * 10


@pytest.fixture
def brotli_calls(monkeypatch):
    """The contents Brotli was asked to compress, in order."""
    calls = []
    compress = brotli.compress

    def counting(data, *args, **kwargs):
        calls.append(data)
        return compress(data, *args, **kwargs)

    monkeypatch.setattr(whitenoise.compress.brotli, "compress", counting)
    return calls


def write_sources(root):
    (root / "img").mkdir(parents=True)
    (root / "a.js").write_bytes(SCRIPT)
    (root / "b.js").write_bytes(SCRIPT)
    (root / "c.js").write_bytes(OTHER_SCRIPT)
    (root / "style.css").write_bytes(STYLE)
    (root / "img" / "dot.svg").write_bytes(DOT)
    (root / "a.js.map").write_bytes(SOURCE_MAP)


def test_collectstatic_compresses_each_content_once_and_every_file_gets_its_compressed_twins(tmp_path, brotli_calls):
    # given static files of which two scripts have the same bytes
    sources, collected = tmp_path / "static", tmp_path / "collected"
    write_sources(sources)
    # when collectstatic runs with the production storage
    with override_settings(
        STATIC_ROOT=collected,
        STATICFILES_DIRS=[sources],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES={"staticfiles": {"BACKEND": "aftersales.staticfiles.StaticFilesStorage"}},
    ):
        call_command("collectstatic", "--noinput", verbosity=0)
    # then every file, under its own name and its hashed name, has a .br and a .gz of exactly its bytes
    files = [path for path in collected.rglob("*") if path.is_file() and path.suffix not in {".br", ".gz"}]
    names = sorted(path.relative_to(collected).as_posix() for path in files)
    assert len([name for name in names if name.startswith("a.") and name.endswith(".js")]) == 2, names  # a.<hash>.js
    compressed = [path for path in files if path.name != "staticfiles.json" and path.suffix != ".map"]
    for path in compressed:
        data = path.read_bytes()
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == data, path
        assert gzip.decompress(path.with_name(path.name + ".gz").read_bytes()) == data, path
    # and Brotli ran once for each distinct content: the three scripts' two contents, the SVG, and the two styles
    # (the hashed copy of the CSS has its url() rewritten, so its bytes differ from the original's)
    distinct = {path.read_bytes() for path in compressed}
    assert len(brotli_calls) == len(distinct) == 5
    assert len(brotli_calls) < len(compressed)
    # and the source map is collected under both names but left uncompressed (only browser tools fetch it)
    maps = [path for path in files if path.suffix == ".map"]
    assert len(maps) == 2 and {path.read_bytes() for path in maps} == {SOURCE_MAP}
    assert not [path for path in collected.rglob("*.map.*") if path.suffix in {".br", ".gz"}]


def test_threads_meeting_the_same_content_share_one_compression(brotli_calls):
    # given one compressor and eight threads that all compress the same bytes at once
    compressor = OnceForEachContentCompressor(quiet=True)
    start = threading.Barrier(8)
    results = []

    def compress():
        start.wait()
        results.append(compressor.compress_brotli(SCRIPT))

    threads = [threading.Thread(target=compress) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then Brotli ran once and every thread got its result
    assert len(brotli_calls) == 1
    assert len(results) == 8 and {brotli.decompress(result) for result in results} == {SCRIPT}


def test_a_failed_compression_reaches_every_caller(monkeypatch):
    # given Brotli fails on some content
    def failing(data, *args, **kwargs):
        raise brotli.error("broken")

    monkeypatch.setattr(whitenoise.compress.brotli, "compress", failing)
    compressor = OnceForEachContentCompressor(quiet=True)
    # then each caller asking for it sees the error, not a result made up for it
    for _ in range(2):
        with pytest.raises(brotli.error):
            compressor.compress_brotli(SCRIPT)
