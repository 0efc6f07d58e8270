"""Category discovery from the site's navigation menus (SITE.md: "discover categories from the
site's navigation menu, not a fixed list")."""

from __future__ import annotations

from urllib.parse import urlsplit

from archiver.parsers.dom import absolute, has_class, load, xpath

# Divi's header menu (#top-menu in #et-top-navigation), its mobile copy (#mobile_menu,
# .et_mobile_menu), any <nav>, WordPress menus (ul.menu, ul.sub-menu at any depth), and the
# Categories widget, which lists them all.
_MENU_AREA = " or ".join(
    (
        "@id='top-menu'",
        "@id='et-top-navigation'",
        "@id='mobile_menu'",
        "@id='et-secondary-menu'",
        "self::nav",
        has_class("menu"),
        has_class("sub-menu"),
        has_class("nav"),
        has_class("et_mobile_menu"),
        has_class("widget_categories"),
    )
)
_MENU_LINKS = xpath(f"//a[@href and ancestor::*[{_MENU_AREA}]]/@href")


def category_links(html: str, url: str) -> list[str]:
    """Absolute hrefs of the ``/category/...`` links in the menus, on this site, in order,
    duplicates removed. Raises LayoutError only when there is no HTML at all."""
    host = urlsplit(url).netloc.lower()
    found: dict[str, None] = {}
    for href in _MENU_LINKS(load(html)):
        link = absolute(url, href)
        if link and _is_category(link, host):
            found.setdefault(link)
    return list(found)


def _is_category(link: str, host: str) -> bool:
    parts = urlsplit(link)
    return (
        parts.scheme in ("http", "https")
        and parts.netloc.lower() == host
        and parts.path.startswith("/category/")
        and len(parts.path) > len("/category/")
    )
