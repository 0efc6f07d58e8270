"""A generated replica site: the model plus the queries pages and tests need."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from replica.cast import Cast
from replica.model import Article, Author, Category, MenuItem, Tag
from replica.profile import Profile
from replica.truth import article_truth

ListingKind = Literal["category", "tag", "author", "search"]


@dataclass(frozen=True, slots=True)
class Listing:
    """One archive (category, tag, author or search), newest post first."""

    kind: ListingKind
    key: str  # slug, nicename or search term
    name: str  # display name
    path: str  # first page's path, e.g. "/category/opinion"
    posts: tuple[Article, ...]
    per_page: int
    full_text: bool  # SITE.md: some listings show full posts instead of excerpts

    @property
    def pages(self) -> int:
        """Number of pages (an empty archive still has page 1)."""
        return max(1, math.ceil(len(self.posts) / self.per_page))

    def page(self, number: int) -> tuple[Article, ...]:
        """The posts on page ``number`` (1-based)."""
        start = (number - 1) * self.per_page
        return self.posts[start : start + self.per_page]

    def page_path(self, number: int) -> str:
        """``/category/x`` for page 1, ``/category/x/page/N`` after (SITE.md)."""
        return self.path if number == 1 else f"{self.path}/page/{number}"


class Site:
    """The replica: cast, articles (oldest first) and a profile; immutable once built."""

    def __init__(self, *, seed: int, profile: Profile, cast: Cast, articles: list[Article]):
        self.seed = seed
        self.profile = profile
        self.cast = cast
        self.articles: tuple[Article, ...] = tuple(articles)
        self.newest: tuple[Article, ...] = tuple(reversed(articles))
        self.by_path = {article.path: article for article in articles}
        self.by_post_id = {article.post_id: article for article in articles}
        self._by_category = self._group(lambda a: [c.slug for c in a.categories])
        self._by_tag = self._group(lambda a: [t.slug for t in a.tags])
        self._by_author = self._group(lambda a: [x.nicename for x in a.authors])

    def _group(self, keys: Any) -> dict[str, tuple[Article, ...]]:
        groups: dict[str, list[Article]] = {}
        for article in self.newest:
            for key in keys(article):
                groups.setdefault(key, []).append(article)
        return {key: tuple(posts) for key, posts in groups.items()}

    @property
    def categories(self) -> tuple[Category, ...]:
        """All categories, menu order."""
        return self.cast.categories

    @property
    def menu(self) -> tuple[MenuItem, ...]:
        """The navigation menu, nested "More" included."""
        return self.cast.menu

    @property
    def tags(self) -> tuple[Tag, ...]:
        """Tags that have at least one post."""
        return tuple(tag for tag in self.cast.tags if tag.slug in self._by_tag)

    @property
    def authors(self) -> tuple[Author, ...]:
        """Author accounts that have at least one post."""
        return tuple(a for a in self.cast.authors() if a.nicename in self._by_author)

    def category_listing(self, slug: str) -> Listing | None:
        """The listing of a category, or None if no such category exists."""
        found = [c for c in self.cast.categories if c.slug == slug]
        if not found:
            return None
        posts = self._by_category.get(slug, ())
        size = self.profile.category_page_size
        path = f"/category/{slug}"
        return Listing(
            "category", slug, found[0].name, path, posts, size, found[0].full_text_listing
        )

    def tag_listing(self, slug: str) -> Listing | None:
        """The listing of a tag with posts, else None."""
        tag = next((t for t in self.tags if t.slug == slug), None)
        if tag is None:
            return None
        posts, size = self._by_tag[slug], self.profile.archive_page_size
        return Listing("tag", slug, tag.name, f"/tag/{slug}", posts, size, False)

    def author_listing(self, nicename: str) -> Listing | None:
        """The listing of an author with posts, else None."""
        author = next((a for a in self.authors if a.nicename == nicename), None)
        if author is None:
            return None
        posts, size = self._by_author[nicename], self.profile.archive_page_size
        path = f"/author/{nicename}"
        return Listing(
            "author", nicename, author.display, path, posts, size, author.full_text_listing
        )

    def search_listing(self, term: str) -> Listing:
        """WordPress search over titles (robots.txt disallows it; crawlers must not come)."""
        needle = term.casefold()
        posts = tuple(a for a in self.newest if needle and needle in a.title.casefold())
        size = self.profile.archive_page_size
        return Listing("search", term, term, f"/search/{quote(term)}", posts, size, False)

    def truth(self) -> list[dict[str, Any]]:
        """Expected records, one per article, oldest first, URLs site-relative."""
        return [article_truth(article, seo=self.profile.seo) for article in self.articles]

    def listing_reachable_urls(self) -> list[str]:
        """Article paths linked from some category listing page (all of them, by design)."""
        paths = {post.path for slug in self._by_category for post in self._by_category[slug]}
        return sorted(paths)

    def sitemap_urls(self) -> list[str]:
        """Article paths the profile's sitemaps list, in sitemap order (oldest post first,
        as WordPress core orders by ID); [] when the profile has no sitemaps."""
        if self.profile.sitemaps == "none":
            return []
        return [article.path for article in self.articles]
