"""Articles: a Markdown file with a YAML header (title, publisher, agency, published, url)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from .namespaces import SKA

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


def read_article(path: Path) -> Article:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ArticleError(f"article file {path} does not exist") from None
    except UnicodeDecodeError as err:
        raise ArticleError(f"article file {path} is not UTF-8 text (byte {err.start})") from None
    if not text.startswith("---\n"):
        raise ArticleError(f"article file {path} has no YAML header between '---' lines")
    header, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise ArticleError(f"article file {path}: the YAML header is not closed by a '---' line")
    try:
        meta = yaml.safe_load(header) or {}
    except yaml.YAMLError as err:
        raise ArticleError(f"article file {path}: header is not valid YAML: {err}") from None
    missing = [k for k in REQUIRED_METADATA if not meta.get(k)]
    if missing:
        raise ArticleError(f"article file {path}: header lacks {', '.join(missing)}")
    published = meta["published"]
    if not isinstance(published, dt.date):
        try:
            published = dt.date.fromisoformat(str(published))
        except ValueError:
            raise ArticleError(f"article file {path}: published '{published}' is not a date") from None
    return Article(
        slug=path.stem,
        title=str(meta["title"]),
        publisher=str(meta["publisher"]),
        agency=str(meta["agency"]) if meta.get("agency") else None,
        published=published,
        url=str(meta["url"]),
        language=str(meta["language"]) if meta.get("language") else None,
        body=body,
    )
