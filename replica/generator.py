"""``build_site``: a deterministic replica of the archive for (seed, articles, profile)."""

from __future__ import annotations

from replica.articles import new_state, next_article
from replica.cast import build_cast
from replica.profile import Profile
from replica.site import Site

# The bundled replica: small enough to crawl in seconds, big enough that every category
# listing runs to several pages and every variation SITE.md names occurs.
DEFAULT_SEED = 0
DEFAULT_ARTICLES = 150


def build_site(
    seed: int = DEFAULT_SEED, articles: int = DEFAULT_ARTICLES, profile: Profile | None = None
) -> Site:
    """Generate the site. Post ``i`` depends only on (seed, i, profile), dates grow with ``i``:
    ``build_site(s, n + k)`` is ``build_site(s, n)`` plus ``k`` newer posts."""
    if articles < 0:
        raise ValueError(f"articles must be >= 0, not {articles}")
    profile = profile or Profile.default()
    cast = build_cast(seed, profile)
    state = new_state(seed, profile, cast)
    posts = [next_article(state, index) for index in range(articles)]
    return Site(seed=seed, profile=profile, cast=cast, articles=posts)
