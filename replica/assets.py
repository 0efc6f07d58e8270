"""The page requisites the replica serves, as a Divi 2.7 site has them (SITE.md, "Page
requisites"): the theme's stylesheet with its icon font, background images and an
``@import``, scripts with version queries, a favicon, the logo, sidebar images (lazy,
``picture``, ``style`` attribute), one missing (404), one huge; and, on a second loopback
host acting as a CDN, a web-font stylesheet, its font and a badge image.

Images are real: PNGs made with zlib, a baseline JPEG, so a browser renders a replay. Each
stylesheet's references are written out by hand beside its text (``CSS_REFERENCES``): the
ground truth (``replica.requisite_truth``) never parses CSS or HTML.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

THEME = "/wp-content/themes/Divi"
STYLESHEET = f"{THEME}/style.css?ver=2.7.10"
ANIMATIONS = f"{THEME}/css/animations.css?ver=2.7.10"  # @import-ed by style.css
JQUERY = "/wp-includes/js/jquery/jquery.js?ver=1.12.4"
CUSTOM_JS = f"{THEME}/js/custom.min.js?ver=2.7.10"
FAVICON = "/wp-content/uploads/2014/05/favicon.png"
TOUCH_ICON = "/wp-content/uploads/2014/05/apple-touch-icon.png"
LOGO = "/wp-content/uploads/logo.png"
HEADER_BG = f"{THEME}/images/header-bg.png"  # in the inline <style> block
BANNER = "/wp-content/uploads/2015/03/banner.png"  # lazy: data-src, data-srcset
BANNER_2X = "/wp-content/uploads/2015/03/banner-600x200.png"
BANNER_WIDE = "/wp-content/uploads/2015/03/banner-wide.png"  # picture > source srcset
WIDGET_BG = "/wp-content/uploads/2014/05/widget-bg.png"  # a style attribute's url()
MISSING = "/wp-content/uploads/2012/01/missing-banner.jpg"  # 404: deleted from the server
HUGE = "/wp-content/uploads/2010/01/huge-poster.jpg"  # past DOWNLOAD_MAXSIZE in tests
HUGE_SIZE = 3 * 1024 * 1024
FONTS = f"{THEME}/core/admin/fonts"
# On the CDN host (absolute URLs built from its base).
CDN_STYLESHEET = "/css?family=Open+Sans:400,700"
CDN_FONT = "/s/opensans/v13/open-sans-regular.woff"
CDN_BADGE = "/wp-content/uploads/cdn/badge.png"

CSS = "text/css"
JS = "application/javascript"

_STYLE_CSS = f"""/*
 Theme Name: Divi
 Version: 2.7.10
*/
@import url("css/animations.css?ver=2.7.10");
@font-face {{
  font-family: "ETmodules";
  src: url("core/admin/fonts/modules.eot");
  src: url("core/admin/fonts/modules.eot?#iefix") format("embedded-opentype"),
       url("core/admin/fonts/modules.woff") format("woff"),
       url("core/admin/fonts/modules.ttf") format("truetype"),
       url("core/admin/fonts/modules.svg#ETmodules") format("svg");
  font-weight: normal;
  font-style: normal;
}}
/* url(core/admin/fonts/commented-out.woff) is no requisite */
#top-menu li.current-menu-item > a {{ background: url(images/menu-bg.png) repeat-x; }}
#main-footer {{ background-image: url('{THEME}/images/footer-bg.png'); }}
.et-pb-icon {{ font-family: "ETmodules"; }}
/* Divi's right sidebar: the two columns side by side (the replay tests check it) */
#left-area {{ width: 79%; float: left; }}
#sidebar {{ width: 20%; float: right; }}
"""
_ANIMATIONS_CSS = """.et_pb_preload { background: url(../images/loader.png) no-repeat center; }
@keyframes et_pb_fade { from { opacity: 0 } to { opacity: 1 } }
"""
# What each stylesheet names, resolved, as it is fetched (fragments dropped, and the empty
# query of "modules.eot?#iefix" with them). The svg font is missing on the server (404).
CSS_REFERENCES: dict[str, tuple[str, ...]] = {
    STYLESHEET: (
        ANIMATIONS,
        f"{FONTS}/modules.eot",
        f"{FONTS}/modules.woff",
        f"{FONTS}/modules.ttf",
        f"{FONTS}/modules.svg",
        f"{THEME}/images/menu-bg.png",
        f"{THEME}/images/footer-bg.png",
    ),
    ANIMATIONS: (f"{THEME}/images/loader.png",),
}
MISSING_PATHS = frozenset({MISSING, f"{FONTS}/modules.svg"})


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid truecolour PNG of one colour."""
    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * height, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


# A 1x1 grey baseline JPEG (SOI, JFIF, DQT, SOF0, two one-code DHTs, SOS, one block, EOI).
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000"
    "ffdb004300" + "01" * 64 + "ffc0000b080001000101011100"
    "ffc4001400" + "01" + "00" * 15 + "00" + "ffc4001410" + "01" + "00" * 15 + "00"
    "ffda0008010100003f00" + "3f" + "ffd9"
)


@dataclass(frozen=True, slots=True)
class Asset:
    """A static file: its Content-Type and bytes (made on first use for the big ones)."""

    content_type: str
    make: Callable[[], bytes]


def _font(name: str) -> Asset:
    return Asset("font/woff" if name.endswith("woff") else "application/octet-stream",
                 lambda: b"wOFF" + name.encode() * 16)  # fmt: skip


def _png(rgb: tuple[int, int, int], width: int = 16, height: int = 16) -> Asset:
    return Asset("image/png", lambda: png(width, height, rgb))


# By path: the query (?ver=...) is ignored, as a web server serving static files does.
SITE_ASSETS: dict[str, Asset] = {
    STYLESHEET.partition("?")[0]: Asset(CSS, _STYLE_CSS.encode),
    ANIMATIONS.partition("?")[0]: Asset(CSS, _ANIMATIONS_CSS.encode),
    JQUERY.partition("?")[0]: Asset(
        JS, lambda: b"/*! jQuery v1.12.4 */\nwindow.jQuery=function(){};\n"
    ),
    CUSTOM_JS.partition("?")[0]: Asset(JS, lambda: b"(function(){/* Divi custom */})();\n"),
    f"{FONTS}/modules.eot": _font("modules.eot"),
    f"{FONTS}/modules.woff": _font("modules.woff"),
    f"{FONTS}/modules.ttf": _font("modules.ttf"),
    FAVICON: _png((200, 30, 30)),
    TOUCH_ICON: _png((200, 30, 30), 57, 57),
    LOGO: _png((20, 60, 120), 120, 40),
    HEADER_BG: _png((240, 240, 240), 4, 4),
    f"{THEME}/images/menu-bg.png": _png((30, 30, 30), 4, 4),
    f"{THEME}/images/footer-bg.png": _png((50, 50, 50), 4, 4),
    f"{THEME}/images/loader.png": _png((90, 90, 90), 8, 8),
    BANNER: _png((0, 120, 0), 300, 100),
    BANNER_2X: _png((0, 120, 0), 600, 200),
    BANNER_WIDE: _png((0, 90, 0), 600, 100),
    WIDGET_BG: _png((250, 250, 220), 4, 4),
    HUGE: Asset("image/jpeg", lambda: TINY_JPEG + b"\0" * HUGE_SIZE),  # bytes after EOI
}


def cdn_assets(base: str) -> dict[str, Asset]:
    """The CDN host's files; its stylesheet names its font by absolute URL, as Google's does."""
    css = f"@font-face {{ font-family: 'Open Sans'; src: url({base}{CDN_FONT}) format('woff'); }}\n"
    return {
        CDN_STYLESHEET.partition("?")[0]: Asset(CSS, css.encode),
        CDN_FONT: _font("open-sans"),
        CDN_BADGE: _png((0, 0, 160), 88, 31),
    }


def cdn_css_references(cdn: str) -> dict[str, tuple[str, ...]]:
    """``CSS_REFERENCES`` of the CDN's stylesheet (absolute URLs)."""
    return {cdn + CDN_STYLESHEET: (cdn + CDN_FONT,)}


# Size variants WordPress (>= 4.4) writes in srcset ("name-300x200.jpg"), by image style.
SRCSET_SIZES: dict[str, tuple[str, ...]] = {
    "featured": ("300x200", "1080x675"),
    "wp-caption": ("1024x683",),
    "linked-caption": ("1024x683",),
    "lazy": ("768x512",),
}
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.jpg$)")


def srcset_paths(src: str, style: str) -> list[str]:
    """The srcset candidates of an upload drawn in ``style``: itself, then its variants;
    none for an image off the site or a style without srcset."""
    sizes = SRCSET_SIZES.get(style, ())
    if not sizes or not src.startswith("/") or not src.endswith(".jpg"):
        return []
    stem = _SIZE_SUFFIX.sub("", src)[: -len(".jpg")]
    return [src, *(f"{stem}-{size}.jpg" for size in sizes)]
