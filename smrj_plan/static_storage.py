"""Static files as production and `make run` serve them: hashed names, gzip and brotli copies (WhiteNoise)."""

from pathlib import Path

from whitenoise.compress import brotli_installed
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedCompressedStaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, with two changes for `make run`.

    - Hashed URLs with DEBUG on too. Django's manifest storage hands out the plain names under DEBUG, which
      WhiteNoise serves with max-age=0; a hashed name is served as immutable for ten years, so a repeat view
      transfers none of the static files (and a changed file gets a new name, never a stale copy).
    - Only the hashed names compressed, and once. Pages link nothing else (`url` above), and compressing
      plotly.min.js (4.8 MB) with brotli and gzip takes about 30 s; a hashed name is the hash of the file's final
      content, so the compressed copies a previous collectstatic left beside it are still right. (A plain name
      asked for directly is still served, uncompressed.)
    """

    def url(self, name, force=False):
        return super().url(name, force=True)

    def compress_files(self, paths):
        hashed = set(self.hashed_files.values())
        yield from super().compress_files(
            [path for path in paths if path in hashed and not self._has_compressed_copies(path)]
        )

    def _has_compressed_copies(self, name: str) -> bool:
        path = Path(self.path(name))
        suffixes = (".gz", ".br") if brotli_installed else (".gz",)
        return all(path.with_name(path.name + suffix).exists() for suffix in suffixes)
