"""Static files as production and `make run` serve them: hashed names, gzip and brotli copies (WhiteNoise)."""

from pathlib import Path

from whitenoise.compress import brotli_installed
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedCompressedStaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, with two changes for `make run`.

    - Hashed URLs with DEBUG on too. Django's manifest storage hands out the plain names under DEBUG, which
      WhiteNoise serves with max-age=0; a hashed name is served as immutable for ten years, so a repeat view
      transfers none of the static files (and a changed file gets a new name, never a stale copy).
    - Compressed copies kept from the previous collectstatic. Compressing plotly.min.js (4.8 MB) with brotli
      and gzip takes about 30 s. A hashed name is the hash of the file's final content, so copies of it that
      exist are right; a plain name is rewritten by collectstatic only when its source changed, and WhiteNoise
      stamps each copy with its file's mtime, so a copy at least as new as its file is right.
    """

    def url(self, name, force=False):
        return super().url(name, force=True)

    def compress_files(self, paths):
        hashed = set(self.hashed_files.values())
        yield from super().compress_files(
            [path for path in paths if not self._compressed_copies_current(path, hashed=path in hashed)]
        )

    def _compressed_copies_current(self, name: str, *, hashed: bool) -> bool:
        path = Path(self.path(name))
        suffixes = (".gz", ".br") if brotli_installed else (".gz",)
        try:
            mtime = path.stat().st_mtime
            copies = [path.with_name(path.name + suffix).stat().st_mtime for suffix in suffixes]
        except FileNotFoundError:
            return False
        return hashed or all(copy >= mtime for copy in copies)
