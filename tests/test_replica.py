"""The replica's model and pages: determinism, growth, and every variation SITE.md names."""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any

import pytest
from bs4 import BeautifulSoup

from replica import Profile, Router, Site, build_site
from replica.model import Figure, StrayShortcode
from replica.seed_article import load_seed
from replica.text import clean, slugify

BASE = "http://127.0.0.1:8765"
SEED_PATH = "/theaawsat/news-middle-east/defections-from-syrian-army-on-the-rise-free-syrian-army"


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site()


@pytest.fixture(scope="module")
def router(site: Site) -> Router:
    return Router(site, BASE)


@pytest.fixture(scope="module")
def pages(site: Site, router: Router) -> dict[str, str]:
    """Every article page of the bundled replica, rendered once."""
    return {article.path: router(article.path).body.decode() for article in site.articles}


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def _first_paragraph_text(html: str) -> str:
    """Text of the entry content up to the first paragraph break, whitespace cleaned."""
    content = _soup(html).select_one("div.entry-content")
    for node in content.select("div.sharedaddy, #jp-relatedposts, div.wp-caption"):
        node.decompose()
    return clean(content.get_text(" "))


# --- determinism and growth ---------------------------------------------------------------


def test_same_arguments_give_the_same_bytes() -> None:
    first, second = build_site(5, 40), build_site(5, 40)
    assert first.articles == second.articles
    one, two = Router(first, BASE), Router(second, BASE)
    for path in one.paths():
        assert one(path).body == two(path).body, path


def test_different_seeds_give_different_sites() -> None:
    zero, one = build_site(0, 40), build_site(1, 40)
    assert [a.title for a in zero.articles] != [a.title for a in one.articles]
    assert {a.display for a in zero.authors} != {a.display for a in one.authors}
    assert zero.articles[0].published != one.articles[0].published


def test_growth_adds_newer_articles_and_keeps_the_old_ones() -> None:
    small, big = build_site(3, 40), build_site(3, 55)
    assert big.articles[:40] == small.articles
    assert big.truth()[:40] == small.truth()
    assert min(a.published for a in big.articles[40:]) > small.articles[-1].published
    newest = big.category_listing(big.articles[-1].categories[0].slug)
    assert newest is not None and newest.page(1)[0] == big.articles[-1]


def test_dates_and_post_ids_increase(site: Site) -> None:
    dates = [a.published for a in site.articles]
    ids = [a.post_id for a in site.articles]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert dates[0].year == 2005 and dates[-1].year >= 2016


def test_bundled_size_and_multi_page_listings(site: Site) -> None:
    assert len(site.articles) == 150
    for category in site.categories:
        listing = site.category_listing(category.slug)
        assert listing is not None and listing.pages >= 2, category.slug
        assert len(listing.page(1)) == 6
    tag = site.tag_listing(site.tags[0].slug)
    author = site.author_listing("theaawsat")
    assert tag is not None and author is not None
    assert len(author.page(1)) == 5 and author.pages >= 2


def test_every_article_is_on_a_category_listing(site: Site) -> None:
    assert site.listing_reachable_urls() == sorted(a.path for a in site.articles)


def test_urls_are_wordpress_permalinks(site: Site) -> None:
    pattern = re.compile(r"^/[a-z0-9-]+/[a-z0-9-]+/[a-z0-9-]+$")
    assert all(pattern.match(a.path) for a in site.articles)
    assert len({a.path for a in site.articles}) == len(site.articles)


# --- the seed article ----------------------------------------------------------------------


def test_seed_article_is_included_with_its_real_text(site: Site, pages: dict[str, str]) -> None:
    seed = load_seed()
    record = next(r for r in site.truth() if r["url"] == SEED_PATH)
    assert record["title"] == "Defections from Syrian army on the rise – Free Syrian Army"
    assert (record["byline"], record["authors"]) == ("Asharq Al-Awsat", [])
    assert (record["published"], record["section"]) == ("2011-11-22", "Middle East")
    assert record["dateline"] == {"place": "Beirut", "source": "Asharq Al-Awsat"}
    assert record["text"].split("\n\n")[0] == seed.paragraphs[0].removeprefix(
        "Beirut, Asharq Al-Awsat – "
    )
    page_text = clean(_soup(pages[SEED_PATH]).select_one("div.entry-content").get_text(" "))
    for paragraph in seed.paragraphs:
        assert paragraph in page_text
    assert "| ASHARQ AL-AWSAT English Archive 2005 -2017</title>" in pages[SEED_PATH]


# --- variations SITE.md names -------------------------------------------------------------

DATELINE_EXAMPLES = {
    "Baghdad, Asharq Al-Awsat- ": range(2009, 2013),
    "Antakya, Asharq Al-Awsat – ": range(2009, 2013),
    "QALACHWALAN, Asharq Al-Awsat- ": range(2009, 2013),
    "London, Asharq Al-Awsat—": range(2013, 2016),
    "Beirut, Reuters—": range(2005, 2018),
    "Ankara, AP—": range(2005, 2018),
    "RAS LANUF, Libya (Reuters) – ": range(2005, 2018),
    "Khobar- ": range(2016, 2018),
    "Cairo-": range(2016, 2018),
}


@pytest.mark.parametrize("display", list(DATELINE_EXAMPLES))
def test_each_dateline_example_occurs_in_its_era(
    site: Site, pages: dict[str, str], display: str
) -> None:
    dated = [a for a in site.articles if a.dateline and a.dateline.display == display]
    assert dated, display
    article = dated[0]
    assert article.published.year in DATELINE_EXAMPLES[display]
    lead = article.paragraphs[0].text
    assert _first_paragraph_text(pages[article.path]).find(clean(display + lead)) >= 0
    if display == "Cairo-":
        assert lead.startswith("It is")


def test_opinion_columns_have_no_dateline(site: Site) -> None:
    opinions = [a for a in site.articles if a.kind == "opinion"]
    assert opinions and all(a.dateline is None for a in opinions)


def test_bylines_house_personal_and_co_authored(site: Site, pages: dict[str, str]) -> None:
    truth = {r["url"]: r for r in site.truth()}
    house = [a for a in site.articles if a.authors[0].nicename == "theaawsat"]
    assert house and all(truth[a.path]["byline"] == "Asharq Al-Awsat" for a in house)
    assert any(
        a.authors[0].nicename == "w-mahdi" and a.byline == "Wael Mahdi" for a in site.articles
    )
    unlike = [a for a in site.authors if not a.house and a.nicename != slugify(a.display)]
    assert len(unlike) >= 3
    two_links = [a for a in site.articles if len(a.authors) == 2]
    joint = [a for a in site.articles if " and " in a.authors[0].display]
    assert two_links and joint
    for article in (two_links[0], joint[0]):
        assert len(truth[article.path]["authors"]) == 2
        assert " and " in truth[article.path]["byline"]
    assert pages[two_links[0].path].count('<span class="author vcard">') == 2


def test_posts_in_two_categories(site: Site, pages: dict[str, str]) -> None:
    both = [a for a in site.articles if len(a.categories) == 2]
    assert len(both) >= 5
    meta = _soup(pages[both[0].path]).select_one("p.post-meta")
    assert len(meta.find_all("a", rel="category")) == 2
    second = site.category_listing(both[0].categories[1].slug)
    assert second is not None and both[0] in second.posts


def test_image_metadata_lines_with_a_featured_image(site: Site, pages: dict[str, str]) -> None:
    with_media = [a for a in site.articles if a.media is not None]
    forms = Counter((a.media.form, a.media.repeats) for a in with_media if a.media)
    assert {("bare-caption", 2), ("bare-caption", 3)} <= set(forms)
    for article in with_media:
        assert article.featured is not None
        html = pages[article.path]
        assert f"Media ID: {article.media.media_id}" in html  # type: ignore[union-attr]
        record = next(r for r in site.truth() if r["url"] == article.path)
        assert "Media ID" not in record["text"] and "Caption:" not in record["text"]
        assert record["images"][0]["media_id"] == article.media.media_id  # type: ignore[union-attr]
    for article in with_media:
        media = article.media
        assert media is not None
        content = _first_paragraph_text(pages[article.path])
        assert content.count(clean(media.caption)) >= max(1, media.repeats)
        assert ("Caption: " in content) == (media.form != "no-caption-line")


def test_wp_caption_images_in_the_body(site: Site, pages: dict[str, str]) -> None:
    captioned = [
        a for a in site.articles if any(i.style == "wp-caption" for i in a.body_images)
    ]  # fmt: skip
    assert captioned
    box = _soup(pages[captioned[0].path]).select_one("div.entry-content div.wp-caption")
    assert box.img["src"].startswith(BASE + "/wp-content/uploads/")
    assert clean(box.select_one("p.wp-caption-text").get_text())


def test_jetpack_blocks_and_comments(site: Site, pages: dict[str, str]) -> None:
    soup = _soup(pages[site.articles[-1].path])
    share = soup.select_one("div.entry-content div.sharedaddy")
    assert "Share this:" in share.get_text()
    assert all("?share=" in a["href"] for a in share.select("a"))
    assert any(a.related for a in site.articles)
    related = next(a for a in site.articles if a.related)
    assert _soup(pages[related.path]).select_one("div.entry-content #jp-relatedposts")
    respond = soup.select_one("div.entry-content ~ div.et_post_meta_wrapper #respond")
    assert "Submit a Comment" in respond.get_text()
    assert any(a.comments for a in site.articles)


def test_interview_labels_and_editorial_brackets(site: Site) -> None:
    text = "\n\n".join(r["text"] for r in site.truth())
    assert re.search(r"^\[Asharq Al-Awsat\] Do you ", text, re.M)
    assert re.search(r"^\[Al-[A-Z][a-z]+\] I hope not", text, re.M)
    assert "[FSA]" in text and "[militia]" in text


def test_leaked_shortcodes_are_in_pages_not_in_text(site: Site, pages: dict[str, str]) -> None:
    leaky = [
        a for a in site.articles
        if any(isinstance(b, StrayShortcode) or getattr(b, "wrap", None) for b in a.body)
    ]  # fmt: skip
    html = "".join(pages[a.path] for a in leaky)
    assert "[inset_left]" in html and "[/inset_left]" in html
    for record in site.truth():
        assert "[inset_left]" not in record["text"] and "[/inset" not in record["text"]


def test_bodies_with_br_and_p(site: Site, pages: dict[str, str]) -> None:
    br_bodies = [a for a in site.articles if a.flags.br_body]
    assert br_bodies and any(not a.flags.br_body for a in site.articles)
    assert "<br />\n<br />\n" in pages[br_bodies[0].path]
    single = [a for a in site.articles if any(p.line_break for p in a.paragraphs)]
    assert single and any(a.flags.br_body for a in single)


def test_entities_and_typography(site: Site, pages: dict[str, str]) -> None:
    html = "".join(pages.values())
    for entity in ("&#8217;", "&amp;", "&nbsp;", "&#8220;", "&#8211;", "&rsquo;", "&hellip;"):
        assert entity in html, entity
    text = "".join(r["text"] + r["title"] for r in site.truth())
    for char in "’“”…–—":
        assert char in text, char
    assert "&" in text and "&amp;" not in text and "&#" not in text


def test_title_prefixes_and_both_suffixes(site: Site, pages: dict[str, str]) -> None:
    titles = [a.title for a in site.articles]
    for prefix in ("Opinion: ", "Asharq Al-Awsat Interview: ", "Q&A with "):
        assert any(t.startswith(prefix) for t in titles), prefix
    html = "".join(pages.values())
    assert "| ASHARQ AL-AWSAT English Archive 2005 -2017</title>" in html
    assert " - ASHARQ AL-AWSAT English Archive</title>" in html


def test_listing_entries_and_pagination_markup(router: Router) -> None:
    soup = _soup(router("/category/opinion/page/2").body.decode())
    entries = soup.select("#left-area article.et_pb_post")
    assert len(entries) == 6
    first = entries[0]
    assert re.fullmatch(r"post-\d+", first["id"]) and "category-opinion" in first["class"]
    meta = first.select_one("p.post-meta")
    assert meta.select_one("span.author.vcard a") and meta.select_one("span.published")
    assert first.select_one("h2.entry-title > a")["href"].startswith(BASE + "/")
    excerpt = clean("".join(first.find_all(string=True, recursive=False)))
    assert excerpt.endswith("...") and 150 < len(excerpt) < 290
    older = soup.select_one("div.pagination div.alignleft a")
    newer = soup.select_one("div.pagination div.alignright a")
    assert "Older Entries" in older.get_text() and older["href"].endswith("/page/3")
    assert "Next Entries" in newer.get_text() and newer["href"] == BASE + "/category/opinion"


def test_nested_categories_only_in_the_sub_menu(site: Site, router: Router) -> None:
    nested = [c for c in site.categories if c.nested]
    assert {c.name for c in nested} == {"Lifestyle & Culture", "Book Reviews"}
    soup = _soup(router("/").body.decode())
    assert soup.select("ul#top-menu > li > ul.sub-menu") and soup.select_one("ul#mobile_menu")
    for category in nested:  # in the menus, they sit only inside "More" sub-menus
        href = f"{BASE}/category/{category.slug}"
        links = soup.select(f'ul#top-menu a[href="{href}"], ul#mobile_menu a[href="{href}"]')
        assert len(links) == 2 and all(a.find_parent("ul", class_="sub-menu") for a in links)
    top = [c for c in site.categories if not c.nested]
    menu = soup.select("ul#top-menu > li > a")
    assert {c.name for c in top} <= {clean(a.get_text()) for a in menu}


def test_tags_on_pages_and_articles_without_tags(site: Site, pages: dict[str, str]) -> None:
    tagged = next(a for a in site.articles if a.tags and a.flags.tag_list)
    links = _soup(pages[tagged.path]).select('article a[rel="tag"]')
    assert [clean(a.get_text()) for a in links] == [t.name for t in tagged.tags]
    assert links[0]["href"] == f"{BASE}/tag/{tagged.tags[0].slug}"
    assert any(not a.tags for a in site.articles)


def test_most_tagged_pages_carry_their_tags_only_as_classes(
    site: Site, pages: dict[str, str]
) -> None:
    """SITE.md "Tags": Divi 2.7 prints no tag list; post_class() still writes tag-{slug}."""
    tagged = [a for a in site.articles if a.tags]
    hidden = [a for a in tagged if not a.flags.tag_list]
    assert len(hidden) > len(tagged) / 2
    soup = _soup(pages[hidden[0].path])
    assert not soup.select('article a[rel="tag"]')
    classes = soup.select_one("article.et_pb_post")["class"]
    assert [c.removeprefix("tag-") for c in classes if c.startswith("tag-")] == [
        t.slug for t in hidden[0].tags
    ]


def test_pages_link_url_variants_a_crawler_must_normalise(router: Router) -> None:
    html = router("/category/features").body.decode()
    assert re.search(r'href="http://127\.0\.0\.1:8765/[^"?#]+/[^"?#]+/[^"?#]+/"', html)
    assert f'href="{BASE}/tag/' in html and re.search(r'/tag/[a-z0-9-]+/"', html)
    assert re.search(r'#(comments|respond)"', html)
    assert f'href="{BASE}/?s=Syria"' in html  # robots.txt disallows it
    article = router(SEED_PATH).body.decode()
    assert f"{SEED_PATH}?share=facebook&amp;nb=1" in article


def test_body_extras_subheads_quotes_lists_links_and_images(site: Site) -> None:
    tags = Counter(p.tag for a in site.articles for p in a.paragraphs)
    assert tags["h3"] and tags["blockquote"] and tags["li"]
    assert any(p.link_to is not None for a in site.articles for p in a.paragraphs)
    styles = Counter(b.image.style for a in site.articles for b in a.body if isinstance(b, Figure))
    assert {"wp-caption", "linked-caption", "bare", "lazy"} <= set(styles)
    assert any(i.src.startswith("http://") for a in site.articles for i in a.body_images)
    assert any(a.flags.builder for a in site.articles) and any(a.flags.nfd for a in site.articles)


# --- profiles --------------------------------------------------------------------------------


def test_random_profiles_draw_every_knob_value() -> None:
    drawn = [Profile.random(random.Random(n)) for n in range(200)]
    for knob, values in {
        "listing": {"classic", "blog-module", "blog-grid"},
        "pagination": {"classic", "pagenavi"},
        "body_wrapper": {"plain", "builder", "mixed"},
        "title_suffix": {"later", "older", "mixed"},
        "seo": {"none", "og", "yoast"},
        "sitemaps": {"none", "wp-core", "yoast", "robots-only"},
        "gzip": {"always", "negotiate", "never"},
        "chunked": {"never", "some", "always"},
        "menu_depth": {1, 2},
        "nested_categories": {2, 3},
    }.items():
        assert {getattr(p, knob) for p in drawn} == values, knob
    assert {(p.category_page_size, p.archive_page_size) for p in drawn} == {(6, 5)}


def test_bad_profile_values_fail_with_a_remedy() -> None:
    with pytest.raises(ValueError, match="menu_depth must be 1 or 2"):
        Profile(menu_depth=3)


def _follow_pages(router: Router, path: str, next_selector: str) -> list[str]:
    seen = [path]
    for _ in range(100):
        soup = _soup(router(seen[-1]).body.decode())
        link = soup.select_one(next_selector)
        if link is None:
            return seen
        seen.append(link["href"].removeprefix(BASE))
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize(
    ("pagination", "selector"),
    [
        ("classic", "div.pagination div.alignleft a"),
        ("pagenavi", "div.wp-pagenavi a.nextpostslink"),
    ],
)
def test_pagination_leads_to_the_last_page(pagination: Any, selector: str) -> None:
    site = build_site(0, 150, Profile(pagination=pagination))
    router = Router(site, BASE)
    listing = site.category_listing("news-middle-east")
    assert listing is not None
    walked = _follow_pages(router, listing.path, selector)
    assert walked == [listing.page_path(n) for n in range(1, listing.pages + 1)]
    found = set()
    for path in walked:
        soup = _soup(router(path).body.decode())
        found |= {a["href"].removeprefix(BASE) for a in soup.select("h2.entry-title > a")}
    assert found == {post.path for post in listing.posts}


@pytest.mark.parametrize(
    ("listing", "container"),
    [("blog-module", "div.et_pb_posts"), ("blog-grid", "div.et_pb_blog_grid")],
)
def test_builder_listing_modules(listing: Any, container: str) -> None:
    site = build_site(1, 40, Profile(listing=listing, pagination="pagenavi"))
    soup = _soup(Router(site, BASE)("/category/opinion").body.decode())
    entries = soup.select(f"{container} article.et_pb_post")
    assert len(entries) == 6
    assert all(e.select_one("div.post-content") for e in entries)
    assert soup.select_one("div.wp-pagenavi a.nextpostslink")["href"].endswith("/page/2")


def test_builder_bodies_and_seo_extras() -> None:
    site = build_site(2, 30, Profile(body_wrapper="builder", seo="yoast", title_suffix="older"))
    article = site.articles[-1]
    html = Router(site, BASE)(article.path).body.decode()
    soup = _soup(html)
    assert soup.select_one(
        "div.entry-content .et_pb_section .et_pb_row .et_pb_column .et_pb_text .et_pb_text_inner"
    )
    published = soup.select_one('meta[property="article:published_time"]')["content"]
    assert published.startswith(article.published.date().isoformat())
    assert '"datePublished"' in soup.select_one('script[type="application/ld+json"]').string
    assert html.count(" - ASHARQ AL-AWSAT English Archive</title>") == 1


def test_menu_depth_two_nests_a_category_deeper() -> None:
    site = build_site(0, 30, Profile(menu_depth=2, nested_categories=3))
    soup = _soup(Router(site, BASE)("/").body.decode())
    assert soup.select("ul#top-menu ul.sub-menu ul.sub-menu a[href*='/category/']")
    assert sum(c.nested for c in site.categories) == 3


def test_truth_records_follow_the_schema_shapes(site: Site) -> None:
    for record in site.truth():
        assert record["text"] and "\n\n\n" not in record["text"]
        assert record["word_count"] == len(record["text"].split())
        assert record["language"] == "en" and record["section"] == record["categories"][0]
        assert all(p == clean(p) for p in record["text"].split("\n\n"))
        assert all(set(i) == {"url", "caption", "media_id", "capture"} for i in record["images"])
        assert all(set(t) == {"slug", "name"} for t in record["tags"])
