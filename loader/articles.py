"""Articles: a Markdown file with a YAML header (title, publisher, agency, published, url)."""

from __future__ import annotations

import datetime as dt
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from .namespaces import SKA
from .yamlsource import YamlProblem, parse_yaml

REQUIRED_METADATA = ("title", "publisher", "published", "url")


class ArticleError(ValueError):
    pass


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    publisher: str
    agency: str | None
    published: dt.date
    url: str
    language: str | None
    body: str

    @property
    def iri(self) -> str:
        return SKA + self.slug


MAX_ARTICLE_BYTES = 4 * 1024 * 1024  # a news article is a few tens of kB; more is a wrong path
# the file name names the article's IRI (and its graph): only characters an IRI path keeps as they are
ARTICLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TEXT_METADATA = ("title", "publisher", "agency", "url", "language")


def _read_text(path: Path) -> str:
    """The article's text: a regular file (not a directory, a device or a pipe), of bounded size."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ArticleError(f"article file {path} does not exist") from None
    except OSError as err:
        raise ArticleError(f"article file {path} cannot be read ({err.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ArticleError(f"article file {path} is a directory; 'article' names one article file (.md)")
    if not stat.S_ISREG(info.st_mode):
        raise ArticleError(f"article file {path} is not a regular file; 'article' names one article file (.md)")
    if info.st_size > MAX_ARTICLE_BYTES:
        raise ArticleError(f"article file {path} is {info.st_size / 1e6:.1f} MB; an article may be at most "
                           f"{MAX_ARTICLE_BYTES // (1024 * 1024)} MiB")
    try:
        with path.open("rb") as source:
            data = source.read(MAX_ARTICLE_BYTES + 1)  # the file may have grown since its size was read
    except OSError as err:
        raise ArticleError(f"article file {path} cannot be read ({err.strerror})") from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"article file {path} is over {MAX_ARTICLE_BYTES // (1024 * 1024)} MiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ArticleError(f"article file {path} is not UTF-8 text (byte {err.start})") from None


def _published(path: Path, raw: object) -> dt.date:
    text = str(raw).strip()
    if DAY.match(text) and len(text) > 10:
        raise ArticleError(f"article file {path}: published '{text}' is a date and time; give the day only "
                           "(YYYY-MM-DD), as the times of its facts are resolved against that day")
    try:
        if not DAY.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ArticleError(f"article file {path}: published '{text}' is not a date (expected YYYY-MM-DD, "
                           "a day that exists)") from None


def _url(path: Path, raw: str) -> str:
    parts = urlsplit(raw) if not any(c.isspace() for c in raw) else None
    try:
        ox.NamedNode(raw)  # an IRI the store can hold
        valid = parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        valid = False
    if not valid:
        raise ArticleError(f"article file {path}: url '{raw}' is not an http(s) URL without spaces "
                           "(e.g. https://www.example.com/2024/03/26/story/)")
    return raw


def read_article(path: Path) -> Article:
    """The article, or ArticleError naming the file and what is wrong with it."""
    if not ARTICLE_NAME.fullmatch(path.stem):
        raise ArticleError(f"article file name '{path.name}' may hold only letters, digits, '-', '_' and '.', "
                           "since it names the article's IRI; rename the file (e.g. 2024-03-26-publisher-topic.md)")
    text = _read_text(path)
    if not text.startswith("---\n"):
        raise ArticleError(f"article file {path} has no YAML header between '---' lines")
    header, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise ArticleError(f"article file {path}: the YAML header is not closed by a '---' line")
    try:  # the fact files' reader: no aliases (a few bytes must not become a huge headline), YAML 1.2 numbers
        meta = parse_yaml(header) or {}
    except YamlProblem as err:
        line = f" (line {err.line + 1})" if err.line else ""
        raise ArticleError(f"article file {path}: the header is not valid{line}: {err}") from None
    if not isinstance(meta, dict):
        raise ArticleError(f"article file {path}: the header must be a mapping of title, publisher, published, url")
    missing = [k for k in REQUIRED_METADATA if not meta.get(k)]
    if missing:
        raise ArticleError(f"article file {path}: header lacks {', '.join(missing)}")
    wrong = [k for k in TEXT_METADATA if meta.get(k) is not None and not isinstance(meta[k], str)]
    if wrong:
        raise ArticleError(f"article file {path}: header field {', '.join(wrong)} must be text")
    return Article(
        slug=path.stem,
        title=meta["title"],
        publisher=meta["publisher"],
        agency=meta.get("agency") or None,
        published=_published(path, meta["published"]),
        url=_url(path, meta["url"]),
        language=meta.get("language") or None,
        body=body,
    )
