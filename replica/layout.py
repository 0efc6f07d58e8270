"""The Divi page shell shared by every HTML page: head, header and menus, sidebar, footer.

Every link is absolute (WordPress emits absolute permalinks), built from the base URL the
page is rendered for.
"""

from __future__ import annotations

from dataclasses import dataclass

from replica import assets
from replica.model import MenuItem
from replica.site import Site
from replica.text import attr, encode, escape

SITE_NAME = "ASHARQ AL-AWSAT English Archive"
# SITE.md: "{Title} | ASHARQ AL-AWSAT English Archive 2005 -2017" in later copies,
# "{Title} - ASHARQ AL-AWSAT English Archive" in older ones.
SUFFIXES = {"later": f" | {SITE_NAME} 2005 -2017", "older": f" - {SITE_NAME}"}
TAGLINE = "Middle-east Arab News Opinion | Asharq Al-awsat"
_STYLE = (
    "body{font-family:'Open Sans',Arial,sans-serif}#left-area{width:79%;float:left}"
    f"#main-header{{background-image:url({assets.HEADER_BG})}}"
)
# A transparent GIF: the placeholder lazy-load plugins put in src (no requisite).
_PLACEHOLDER = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


@dataclass(frozen=True, slots=True)
class Ctx:
    """A site rendered for one base URL ("http://127.0.0.1:8123")."""

    site: Site
    base: str
    cdn: str | None = None  # the CDN host's base URL, if pages use one (page requisites)

    def url(self, path: str) -> str:
        """Absolute URL of a site path (external URLs pass through)."""
        return self.base + path if path.startswith("/") else path


def page(ctx: Ctx, *, title: str, body_class: str, main: str, head: str = "") -> str:
    """A whole HTML document around ``main`` (the #main-content block)."""
    return (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8" />\n'
        '<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
        f"<title>{title}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />\n'
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" '
        f'href="{ctx.url("/feed")}" />\n{head}{requisites_head(ctx)}'
        f'<style id="divi-style">{_STYLE}</style>\n'
        f'</head>\n<body class="{body_class} et_divi_theme et_right_sidebar">\n'
        f'<div id="page-container">\n{header(ctx)}\n<div id="et-main-area">\n{main}\n'
        f"{footer()}\n</div>\n</div>\n<script type='text/javascript' "
        f"src='{attr(ctx.url(assets.CUSTOM_JS))}'></script>\n</body>\n</html>\n"
    )


def requisites_head(ctx: Ctx) -> str:
    """The stylesheets, icons, preload and script WordPress and Divi write in the head."""
    cdn = (
        f"<link rel='stylesheet' id='et-gf-open-sans-css' "
        f"href='{attr(ctx.cdn + assets.CDN_STYLESHEET)}' type='text/css' media='all' />\n"
        if ctx.cdn
        else ""
    )
    return (
        f"<link rel='stylesheet' id='divi-style-css' href='{attr(ctx.url(assets.STYLESHEET))}'"
        " type='text/css' media='all' />\n"
        f"{cdn}<link rel='preload' href='{ctx.url(assets.FONTS)}/modules.woff' as='font' "
        "type='font/woff' crossorigin />\n"
        f'<link rel="shortcut icon" href="{ctx.url(assets.FAVICON)}" />\n'
        f'<link rel="apple-touch-icon" href="{ctx.url(assets.TOUCH_ICON)}" />\n'
        f"<script type='text/javascript' src='{attr(ctx.url(assets.JQUERY))}'></script>\n"
    )


def media_widget(ctx: Ctx) -> str:
    """A sidebar widget of images: lazy-loaded, in a picture, as a style attribute's
    background, one deleted (404), one huge, and a badge on the CDN when there is one."""
    badge = (
        f'<img src="{attr(ctx.cdn + assets.CDN_BADGE)}" alt="CDN" width="88" height="31" />'
        if ctx.cdn
        else ""
    )
    banner, banner_2x = ctx.url(assets.BANNER), ctx.url(assets.BANNER_2X)
    return (
        '<div id="media_image-2" class="et_pb_widget widget_media_image">'
        f'<img class="lazyload" src="{_PLACEHOLDER}" data-src="{banner}" '
        f'data-srcset="{banner} 1x, {banner_2x} 2x" alt="" width="300" height="100" />'
        f'<picture><source media="(min-width: 900px)" srcset="{ctx.url(assets.BANNER_WIDE)} 600w">'
        f'<img src="{banner}" alt="" /></picture>'
        f'<div class="widget-bg" style="background-image: url(\'{ctx.url(assets.WIDGET_BG)}\')">'
        f'</div><img src="{ctx.url(assets.MISSING)}" alt="" />'
        f'<img src="{ctx.url(assets.HUGE)}" alt="" width="2000" height="3000" />{badge}</div>'
    )


def main_area(left: str, sidebar_html: str) -> str:
    """Divi index/single layout: #left-area beside the #sidebar."""
    return (
        '<div id="main-content">\n<div class="container">\n<div id="content-area" '
        f'class="clearfix">\n<div id="left-area">\n{left}\n</div> <!-- #left-area -->\n'
        f"{sidebar_html}\n</div>\n</div>\n</div> <!-- #main-content -->"
    )


def header(ctx: Ctx) -> str:
    """Top header, logo, ``ul#top-menu`` with nested sub-menus, and the mobile menu copy."""
    items = "".join(_menu_item(ctx, item, [0]) for item in ctx.site.menu)
    mobile = "".join(_menu_item(ctx, item, [500]) for item in ctx.site.menu)
    home, logo = attr(ctx.url("/")), attr(ctx.url("/wp-content/uploads/logo.png"))
    return (
        f'<div id="top-header"><div class="container clearfix"><div id="et-info">'
        f'<span id="et-info-phone">{escape(TAGLINE)}</span></div></div></div>\n'
        '<header id="main-header" data-height-onload="66">\n'
        '<div class="container clearfix et_menu_container">\n<div class="logo_container">'
        f'<a href="{home}"><img src="{logo}" '
        f'alt="{SITE_NAME} 2005 -2017" id="logo" /></a></div>\n<div id="et-top-navigation">\n'
        f'<nav id="top-menu-nav"><ul id="top-menu" class="nav">{items}</ul></nav>\n'
        '<div id="et_top_search"><span id="et_search_icon"></span></div>\n'
        '<div id="et_mobile_nav_menu"><div class="mobile_nav closed">'
        '<span class="select_page">Select Page</span>'
        '<span class="mobile_menu_bar mobile_menu_bar_toggle"></span>'
        f'<ul id="mobile_menu" class="et_mobile_menu">{mobile}</ul></div></div>\n</div>\n</div>\n'
        '<div class="et_search_outer"><div class="container et_search_form_container">'
        f'<form role="search" method="get" class="et-search-form" action="{home}">'
        '<input type="search" class="et-search-field" placeholder="Search &hellip;" value="" '
        'name="s" title="Search for:" /></form></div></div>\n</header>'
    )


def _menu_item(ctx: Ctx, item: MenuItem, counter: list[int]) -> str:
    counter[0] += 1
    href = ctx.url(item.path) if item.path else "#"
    kind = "taxonomy menu-item-object-category" if item.path else "custom"
    classes = f"menu-item menu-item-type-{kind}"
    inner = ""
    if item.children:
        classes += " menu-item-has-children"
        subitems = "".join(_menu_item(ctx, child, counter) for child in item.children)
        inner = f'<ul class="sub-menu">{subitems}</ul>'
    label = encode(item.label, "numeric", title=True)
    return (
        f'<li id="menu-item-{counter[0]}" class="{classes} menu-item-{counter[0]}">'
        f'<a href="{attr(href)}">{label}</a>{inner}</li>'
    )


def sidebar(ctx: Ctx) -> str:
    """Widgets: search form, recent posts, tag cloud and a robots-disallowed search link list.

    Some links deliberately use variants a crawler must normalise: recent posts alternate
    with a trailing slash (301 to the slashless URL); tag cloud links end in "/".
    """
    recent = "".join(
        f'<li><a href="{attr(ctx.url(post.path) + ("/" if number % 2 else ""))}">'
        f"{encode(post.title, post.flags.entities, title=True)}</a></li>"
        for number, post in enumerate(ctx.site.newest[:5])
    )
    return (
        '<div id="sidebar">\n<div id="search-2" class="et_pb_widget widget_search">'
        f'<form role="search" method="get" id="searchform" class="searchform" '
        f'action="{attr(ctx.url("/"))}"><div><label class="screen-reader-text" for="s">'
        'Search for:</label><input type="text" value="" name="s" id="s" />'
        '<input type="submit" id="searchsubmit" value="Search" /></div></form></div>\n'
        '<div id="recent-posts-2" class="et_pb_widget widget_recent_entries">'
        f'<h4 class="widgettitle">Recent Posts</h4><ul>{recent}</ul></div>\n'
        f"{_tag_cloud(ctx)}\n{_searches(ctx)}\n{media_widget(ctx)}\n</div> <!-- end #sidebar -->"
    )


def _tag_cloud(ctx: Ctx) -> str:
    links = " ".join(
        f'<a href="{attr(ctx.url(f"/tag/{tag.slug}/"))}" class="tag-cloud-link '
        f'tag-link-{number + 10} tag-link-position-{number + 1}" style="font-size: 12pt;">'
        f"{encode(tag.name, 'numeric', title=True)}</a>"
        for number, tag in enumerate(ctx.site.tags[:12])
    )
    return (
        '<div id="tag_cloud-2" class="et_pb_widget widget_tag_cloud">'
        f'<h4 class="widgettitle">Tags</h4><div class="tagcloud">{links}</div></div>'
    )


def _searches(ctx: Ctx) -> str:
    """Links into WordPress search, which robots.txt disallows: a polite crawler skips them."""
    return (
        '<div id="text-3" class="et_pb_widget widget_text"><h4 class="widgettitle">'
        'Popular searches</h4><div class="textwidget">'
        f'<a href="{attr(ctx.url("/?s=Syria"))}">Syria</a> | '
        f'<a href="{attr(ctx.url("/search/iran"))}">Iran</a></div></div>'
    )


def footer() -> str:
    """Divi's footer; its off-site links are ones a crawler must not follow."""
    return (
        '<footer id="main-footer"><div id="footer-bottom"><div class="container clearfix">'
        '<ul class="et-social-icons"><li class="et-social-icon et-social-facebook">'
        '<a href="https://www.facebook.com/aawsat.english" class="icon"><span>Facebook</span>'
        '</a></li></ul><p id="footer-info">Designed by <a href="http://www.elegantthemes.com" '
        'title="Premium WordPress Themes">Elegant Themes</a> | Powered by '
        '<a href="http://www.wordpress.org">WordPress</a></p></div></div></footer>'
    )
