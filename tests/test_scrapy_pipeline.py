"""dedup.contrib.scrapy.DedupPipeline: a real crawl of a local site, and the pipeline's
options on real Scrapy objects (no mocks)."""

from __future__ import annotations

import dataclasses
import html
import json
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("scrapy", reason="the scrapy extra is not installed")

import scrapy
from hypothesis import HealthCheck, Phase, given, settings
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

import dedup
from dedup import testing as dt
from dedup.contrib.scrapy import DedupPipeline

CAPTION = "Firefighters hose down the roof of the burning warehouse near the docks"
BODY = f"The fire started before dawn.\n{CAPTION}\n{CAPTION} (pictured)\nNobody was hurt.\n"
CLEAN_BODY = f"The fire started before dawn.\n{CAPTION}\nNobody was hurt.\n"


# ----------------------------------------------------------------- generated site


def _generated_articles(n: int) -> list[dt.ArticleWithCopies]:
    """``n`` articles with copies, drawn deterministically from the public strategy."""
    found: list[dt.ArticleWithCopies] = []

    @settings(
        max_examples=200,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(dt.articles_with_copies(newlines=["\n"], min_paragraphs=3))
    def collect(article: dt.ArticleWithCopies) -> None:
        if len(found) >= n or not article.copies or len(article.expected) < 300:
            return
        key = dedup.normalize_text(article.expected)
        # Hypothesis tries variations of earlier examples: keep only distinct stories.
        if all(dedup.similarity(key, dedup.normalize_text(a.expected)) < 0.6 for a in found):
            found.append(article)

    collect()
    assert len(found) == n
    return found


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def _page(title: str, lines: list[str], kind: str) -> bytes:
    paragraphs = "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in lines)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f'</head><body><article data-kind="{kind}">\n{paragraphs}\n</article></body></html>'
    ).encode()


@dataclasses.dataclass
class Site:
    base: str
    pages: dict[str, bytes]
    expected: dict[str, str]  # path -> cleaned body
    copies: dict[str, int]  # path -> units the pipeline must remove
    mirrors: dict[str, str]  # mirror path -> path of the page it repeats


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    articles = _generated_articles(6)
    pages: dict[str, bytes] = {}
    expected: dict[str, str] = {}
    copies: dict[str, int] = {}
    kinds = ("dict", "item", "dataclass")
    for k, article in enumerate(articles):
        path = f"/news/{k}.html"
        pages[path] = _page(f"Story {k}", _lines(article.text), kinds[k % 3])
        expected[path] = "".join(line + "\n" for line in _lines(article.expected))
        copies[path] = len(article.copies)
    # Mirror 1: story 0 with one more copy of its first kept line: the same after cleaning.
    first = articles[0]
    lines = _lines(first.text)
    lines.insert(1, lines[0])
    pages["/mirror/0.html"] = _page("Story 0 (mirror)", lines, "dict")
    expected["/mirror/0.html"] = expected["/news/0.html"]
    copies["/mirror/0.html"] = copies["/news/0.html"] + 1
    # Mirror 2: story 1 with a short update line: a near-duplicate of the whole story.
    lines = [*_lines(articles[1].text), "Updated at noon."]
    pages["/mirror/1.html"] = _page("Story 1 (update)", lines, "item")
    expected["/mirror/1.html"] = expected["/news/1.html"] + "Updated at noon.\n"
    copies["/mirror/1.html"] = copies["/news/1.html"]
    links = "".join(f'<a href="{p}">{p}</a>\n' for p in pages)
    pages["/index.html"] = f"<html><body>{links}</body></html>".encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(
            base=f"http://127.0.0.1:{server.server_address[1]}",
            pages=pages,
            expected=expected,
            copies=copies,
            mirrors={"/mirror/0.html": "/news/0.html", "/mirror/1.html": "/news/1.html"},
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


CRAWL_SCRIPT = textwrap.dedent(
    '''
    """Crawl the local site through DedupPipeline; write stats as JSON."""
    import dataclasses
    import json
    import sys

    import scrapy
    from scrapy.crawler import CrawlerProcess

    base, feed, stats_path, log_path = sys.argv[1:5]


    class ArticleItem(scrapy.Item):
        url = scrapy.Field()
        title = scrapy.Field()
        body = scrapy.Field()


    @dataclasses.dataclass
    class ArticleRecord:
        url: str
        title: str
        body: str


    class Articles(scrapy.Spider):
        name = "articles"

        async def start(self):
            yield scrapy.Request(base + "/index.html")

        def start_requests(self):  # Scrapy < 2.13
            yield scrapy.Request(base + "/index.html")

        def parse(self, response):
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href, self.parse_article)

        def parse_article(self, response):
            fields = {
                "url": response.url,
                "title": response.css("title::text").get(),
                "body": "".join(p + "\\n" for p in response.css("article p::text").getall()),
            }
            kind = response.css("article::attr(data-kind)").get()
            if kind == "item":
                yield ArticleItem(**fields)
            elif kind == "dataclass":
                yield ArticleRecord(**fields)
            else:
                yield fields


    process = CrawlerProcess(
        settings={
            "ITEM_PIPELINES": {"dedup.contrib.scrapy.DedupPipeline": 300},
            "DEDUP_FIELDS": ["body"],
            "DEDUP_DROP_DUPLICATES": True,
            "FEEDS": {feed: {"format": "json", "encoding": "utf8"}},
            "LOG_FILE": log_path,
            "LOG_LEVEL": "INFO",
            "ROBOTSTXT_OBEY": False,
            "TELNETCONSOLE_ENABLED": False,
            "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        }
    )
    crawler = process.create_crawler(Articles)
    process.crawl(crawler)
    process.start()
    stats = {k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, (int, float))}
    with open(stats_path, "w", encoding="utf-8") as f:
        json.dump(stats, f)
    '''
)


@pytest.fixture(scope="module")
def crawl(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("crawl")
    script = work / "crawl.py"
    script.write_text(CRAWL_SCRIPT, encoding="utf-8")
    feed, stats, log = work / "items.json", work / "stats.json", work / "crawl.log"
    done = subprocess.run(
        [sys.executable, str(script), site.base, str(feed), str(stats), str(log)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=work,
    )
    assert done.returncode == 0, done.stderr[-3000:] + log.read_text(encoding="utf-8")[-3000:]
    return {
        "items": json.loads(feed.read_text(encoding="utf-8")),
        "stats": json.loads(stats.read_text(encoding="utf-8")),
        "log": log.read_text(encoding="utf-8"),
    }


def _path(url: str, site: Site) -> str:
    assert url.startswith(site.base), url
    return url[len(site.base) :]


def test_crawl_cleans_every_item(site: Site, crawl: dict[str, object]) -> None:
    items = crawl["items"]
    assert isinstance(items, list)
    scraped = {_path(item["url"], site): item for item in items}
    assert len(scraped) == len(items) == len(site.expected) - 2
    for path, item in scraped.items():
        assert item["body"] == site.expected[path], path
        assert item["title"]


def test_crawl_drops_one_of_each_duplicate_pair_naming_the_other(
    site: Site, crawl: dict[str, object]
) -> None:
    items = crawl["items"]
    log = crawl["log"]
    assert isinstance(items, list)
    assert isinstance(log, str)
    kept = {_path(item["url"], site) for item in items}
    for mirror, original in site.mirrors.items():
        assert (mirror in kept) != (original in kept), (mirror, original, kept)
        survivor, dropped = (mirror, original) if mirror in kept else (original, mirror)
        assert f"near-duplicate of {site.base}{survivor}" in log
        assert f"{site.base}{dropped}" in log


def test_crawl_stats(site: Site, crawl: dict[str, object]) -> None:
    stats = crawl["stats"]
    assert isinstance(stats, dict)
    assert stats["dedup/items_seen"] == len(site.expected)
    assert stats["dedup/items_cleaned"] == sum(1 for n in site.copies.values() if n)
    assert stats["dedup/units_removed"] == sum(site.copies.values())
    assert stats["dedup/items_dropped"] == 2
    assert stats["dedup/chars_removed"] > 0
    assert stats["item_scraped_count"] == len(site.expected) - 2


# ----------------------------------------------------------------- options, item types


def _pipeline(**settings_dict: object) -> DedupPipeline:
    crawler = get_crawler(settings_dict=settings_dict)
    pipeline = DedupPipeline.from_crawler(crawler)
    pipeline.open_spider()
    return pipeline


class NewsItem(scrapy.Item):
    url = scrapy.Field()
    body = scrapy.Field()
    summary = scrapy.Field()


@dataclasses.dataclass
class NewsRecord:
    url: str
    body: str


def test_two_settings_are_enough_and_all_item_types_work() -> None:
    pipeline = _pipeline(DEDUP_FIELDS=["body"])
    assert pipeline.process_item({"body": BODY})["body"] == CLEAN_BODY
    assert pipeline.process_item(NewsItem(body=BODY))["body"] == CLEAN_BODY
    assert pipeline.process_item(NewsRecord(url="u", body=BODY)).body == CLEAN_BODY


def test_missing_and_non_text_fields_are_left_alone() -> None:
    pipeline = _pipeline(DEDUP_FIELDS="body,summary")
    item = pipeline.process_item(NewsItem(body=["not", "text"]))
    assert item["body"] == ["not", "text"]
    assert "summary" not in item
    stats = pipeline.stats
    assert stats is not None
    assert stats.get_value("dedup/fields_skipped") == 1
    assert stats.get_value("dedup/items_cleaned") is None


def test_options_reach_clean() -> None:
    text = f"{CAPTION}\nA different line between the two copies here.\n{CAPTION}\n"
    cleaned = text.rsplit(CAPTION, 1)[0]
    assert _pipeline(DEDUP_FIELDS=["body"]).process_item({"body": text})["body"] == cleaned
    pipeline = _pipeline(DEDUP_FIELDS=["body"], DEDUP_OPTIONS={"scope": "runs"})
    assert pipeline.process_item({"body": text})["body"] == text


def test_drop_duplicates_names_the_first_url_and_resets_per_crawl() -> None:
    pipeline = _pipeline(DEDUP_FIELDS=["body"], DEDUP_DROP_DUPLICATES=True)
    pipeline.process_item({"url": "http://127.0.0.1/a", "body": BODY})
    with pytest.raises(DropItem, match=r"near-duplicate of http://127\.0\.0\.1/a .*/b$"):
        pipeline.process_item({"url": "http://127.0.0.1/b", "body": CLEAN_BODY})
    other = "A completely different story about the harbour festival this weekend.\n"
    pipeline.process_item({"url": "http://127.0.0.1/c", "body": other})
    pipeline.open_spider()
    pipeline.process_item({"url": "http://127.0.0.1/b", "body": CLEAN_BODY})


def test_corpus_store_remembers_items_across_crawls(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'seen.db'}"
    first = _pipeline(DEDUP_FIELDS=["body"], DEDUP_DROP_DUPLICATES=True, DEDUP_CORPUS_STORE=store)
    first.process_item({"url": "http://127.0.0.1/a", "body": BODY})
    first.close_spider()
    second = _pipeline(DEDUP_FIELDS=["body"], DEDUP_DROP_DUPLICATES=True, DEDUP_CORPUS_STORE=store)
    with pytest.raises(DropItem, match=r"near-duplicate of http://127\.0\.0\.1/a "):
        second.process_item({"url": "http://127.0.0.1/b", "body": CLEAN_BODY})
    second.process_item({"url": "http://127.0.0.1/a", "body": BODY})  # a rerun passes
    second.close_spider()


def test_duplicate_check_is_a_corpus_built_from_corpus_config() -> None:
    pipeline = _pipeline(
        DEDUP_FIELDS=["body"],
        DEDUP_DROP_DUPLICATES=True,
        DEDUP_CORPUS_OPTIONS={"min_jaccard": 0.8, "keep": "first"},
    )
    assert pipeline.corpus_config == dedup.CorpusConfig(min_jaccard=0.8)
    pipeline.process_item({"url": "http://127.0.0.1/a", "body": BODY})
    assert isinstance(pipeline._corpus, dedup.Corpus)
    assert pipeline._corpus.config.min_jaccard == 0.8
    assert pipeline._corpus.address == "memory"
    threshold = _pipeline(DEDUP_DUPLICATE_THRESHOLD="0.9", DEDUP_CORPUS_OPTIONS={"keep": "longest"})
    assert threshold.corpus_config == dedup.CorpusConfig(min_jaccard=0.9, keep="longest")


def test_without_drop_duplicates_repeats_pass() -> None:
    pipeline = _pipeline(DEDUP_FIELDS=["body"])
    pipeline.process_item({"url": "a", "body": BODY})
    pipeline.process_item({"url": "b", "body": BODY})


@pytest.mark.parametrize(
    ("settings_dict", "message"),
    [
        ({"DEDUP_OPTIONS": {"threshold": 2}}, "DEDUP_OPTIONS: threshold must be"),
        ({"DEDUP_OPTIONS": {"colour": "red"}}, "DEDUP_OPTIONS: .*colour"),
        ({"DEDUP_FIELDS": []}, "DEDUP_FIELDS must be"),
        ({"DEDUP_DUPLICATE_THRESHOLD": "high"}, "DEDUP_DUPLICATE_THRESHOLD: min_jaccard must"),
        ({"DEDUP_DUPLICATE_THRESHOLD": 0.2}, "DEDUP_DUPLICATE_THRESHOLD: min_jaccard must"),
        ({"DEDUP_CORPUS_OPTIONS": {"keep": "last"}}, "DEDUP_CORPUS_OPTIONS: keep must"),
        ({"DEDUP_CORPUS_OPTIONS": {"colour": 1}}, "DEDUP_CORPUS_OPTIONS: .*colour"),
    ],
)
def test_bad_settings_are_config_errors(settings_dict: dict[str, object], message: str) -> None:
    with pytest.raises(dedup.ConfigError, match=message):
        _pipeline(**settings_dict)


def test_missing_scrapy_names_the_extra(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['scrapy'] = None\n"
        "try:\n"
        "    import dedup.contrib.scrapy\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "pip install 'news-dedup[scrapy]'" in out.stdout
