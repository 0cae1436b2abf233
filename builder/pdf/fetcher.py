"""The only way WeasyPrint may read anything while rendering a document.

WeasyPrint's default fetcher follows ``file://`` anywhere on disk and ``http(s)://``
anywhere on the network; a self-report could then embed ``/etc/passwd`` or make the build
call an intranet address. :class:`RestrictedFetcher` serves

* ``kaohe-font:…`` — the font subsets made for this document (in memory);
* ``file://`` under the allowed roots (the project's ``themes/`` and the round's folder),
  after resolving symlinks and ``..``, and only for asset file types;
* ``data:`` URLs of images;

and refuses everything else. Refusals are recorded in :attr:`RestrictedFetcher.refused`
so that the caller can report them; the resource is then left out of the document.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from .weasy import load

load()
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

ASSET_TYPES = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
DATA_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")


class FetchRefused(ValueError):
    """Raised for a URL outside the allowed roots or of a refused scheme."""


class RestrictedFetcher(URLFetcher):
    """WeasyPrint's only way to read anything: asset files under *roots*, in-memory *blobs*, ``data:``.

    :param roots: folders whose asset files (images, fonts, …) may be read; a symlink counts
        where it points.
    :param blobs: ``kaohe-font:`` URLs and their bytes (the subset fonts).
    :param aliases: folder-independent names (``file:///<alias>/…``) for real folders, so PDF bytes
        do not depend on where the project lies.

    Refused URLs are collected in :attr:`refused`.
    """

    def __init__(
        self, roots: list[Path], blobs: dict[str, bytes] | None = None, aliases: dict[str, Path] | None = None
    ):
        super().__init__(timeout=1, allowed_protocols=("file", "kaohe-font", "data"), allow_redirects=False)
        self.roots = [Path(r).resolve() for r in roots]
        # Folder-independent names for real folders (see render.ROUND_ALIAS): file:///<alias>/x
        # is read from <folder>/x, under the same rules as any other file.
        self.aliases = {k.rstrip("/"): Path(v) for k, v in (aliases or {}).items()}
        self.blobs = dict(blobs or {})
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        """Return the resource at *url*, as WeasyPrint's fetcher protocol asks.

        :raises FetchRefused: for a URL that is not allowed (it is recorded in :attr:`refused`).
        """
        try:
            return self._fetch(url)
        except FetchRefused:
            self.refused.append(url)
            raise

    def _fetch(self, url: str) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "kaohe-font":
            data = self.blobs.get(url)
            if data is None:
                raise FetchRefused(f"unknown font {url}")
            return URLFetcherResponse(url, data, {"Content-Type": "font/otf"})
        if scheme == "data":
            return self._data(url)
        if scheme != "file":
            raise FetchRefused(f"scheme not allowed: {url}")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"remote file URL: {url}")
        path = Path(url2pathname(unquote(parts.path)))
        for alias, folder in self.aliases.items():
            if path.as_posix() == alias or path.as_posix().startswith(alias + "/"):
                path = folder / path.as_posix()[len(alias) :].lstrip("/")
                break
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise FetchRefused(f"no such file: {url}") from None
        if not any(real.is_relative_to(root) for root in self.roots):
            raise FetchRefused(f"outside the project's theme and content: {url}")
        mime = ASSET_TYPES.get(real.suffix.lower())
        if mime is None or not real.is_file():
            raise FetchRefused(f"not an asset file: {url}")
        return URLFetcherResponse(real.as_uri(), real.read_bytes(), {"Content-Type": mime})

    def _data(self, url: str) -> URLFetcherResponse:
        head, _, payload = url[5:].partition(",")
        params = head.split(";")
        mime = params[0].strip().lower() or "text/plain"
        if mime not in DATA_TYPES:
            raise FetchRefused(f"data URL type not allowed: {mime}")
        data = base64.b64decode(payload) if "base64" in params[1:] else unquote(payload).encode()
        return URLFetcherResponse("data:", data, {"Content-Type": mime})
