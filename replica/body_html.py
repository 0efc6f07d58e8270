"""Article bodies as WordPress stores and shows them: <p> paragraphs or bare text split by
<br /><br />, image metadata lines, wp-caption blocks, leaked shortcodes, entities.

Markup choices here never change the text a rules-following parser extracts: every
decoration replaces a space with whitespace, wraps words in inline elements, or adds
blocks that are not text (docs/extraction-rules.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from replica.assets import srcset_paths
from replica.layout import Ctx
from replica.model import Article, Figure, ImageSpec, Para, RenderFlags, StrayShortcode
from replica.text import attr, encode

# Private-use markers survive entity encoding and become markup afterwards.
_LINK_OPEN, _LINK_CLOSE, _BR = "\ue000", "\ue001", "\ue002"
_BLOCK_TAGS = ("h3", "blockquote")


def body_html(ctx: Ctx, article: Article) -> str:
    """The body as it sits in ``div.entry-content`` (or in builder text modules)."""
    chunks = list(_chunks(ctx, article))
    if not article.flags.builder:
        return _join(chunks, article.flags.br_body)
    # Divi 3 builder: text modules in section > row > column; long bodies use two modules,
    # cut after the lead so the image metadata block stays in the first one.
    cut = max(len(chunks) // 2, len(_media_lines(article)) + 2)
    modules = [chunks[:cut], chunks[cut:]] if cut < len(chunks) else [chunks]
    return _builder([_join(part, article.flags.br_body) for part in modules])


def _builder(modules: list[str]) -> str:
    texts = "".join(
        f'<div class="et_pb_module et_pb_text et_pb_text_{number} et_pb_bg_layout_light '
        f'et_pb_text_align_left">\n<div class="et_pb_text_inner">\n{html}\n</div>\n</div>'
        for number, html in enumerate(modules)
    )
    return (
        '<div class="et_pb_section et_pb_section_0 et_section_regular">\n'
        '<div class="et_pb_row et_pb_row_0">\n'
        '<div class="et_pb_column et_pb_column_4_4 et_pb_column_0 et-last-child">\n'
        f"{texts}\n</div>\n</div>\n</div>"
    )


def _chunks(ctx: Ctx, article: Article) -> Iterator[tuple[str, str]]:
    """(kind, html) pairs: kind "text" for a paragraph, "block" for block-level markup."""
    flags = article.flags
    lead = article.paragraphs[0] if article.paragraphs else None
    for line in _media_lines(article):
        yield "text", _inline(line, flags)
    for block in article.body:
        if isinstance(block, Figure):
            yield "block", _figure(ctx, block.image)
        elif isinstance(block, StrayShortcode):
            yield "text", encode(block.code, flags.entities)
        elif block.tag in _BLOCK_TAGS:
            yield "block", f"<{block.tag}>{_para(ctx, article, block)}</{block.tag}>"
        elif block.tag == "li":
            yield "li", f"<li>{_para(ctx, article, block)}</li>"
        else:
            yield "text", _para(ctx, article, block, dateline=block is lead)


def _media_lines(article: Article) -> list[str]:
    """SITE.md: "Media ID: 55275613", a bare "Caption:", the caption two or three times."""
    media = article.media
    if media is None:
        return []
    lines = [f"Media ID: {media.media_id}"]
    if media.form == "inline-caption":
        return [*lines, f"Caption: {media.caption}"]
    if media.form == "bare-caption":
        lines.append("Caption:")
    return lines + [media.caption] * media.repeats


def _join(chunks: list[tuple[str, str]], br_body: bool) -> str:
    """<p> per text chunk, or bare text runs split by <br /><br /> between blocks."""
    out: list[str] = []
    run: list[str] = []  # bare text paragraphs waiting for the next block
    items: list[str] = []  # <li> waiting for their <ul>
    for kind, html in chunks:
        if kind != "li" and items:
            out.append("<ul>\n" + "\n".join(items) + "\n</ul>")
            items = []
        if run and not (kind == "text" and br_body):
            out.append("<br />\n<br />\n".join(run))
            run = []
        if kind == "li":
            items.append(html)
        elif kind == "text" and br_body:
            run.append(html)
        else:
            out.append(f"<p>{html}</p>" if kind == "text" else html)
    if items:
        out.append("<ul>\n" + "\n".join(items) + "\n</ul>")
    if run:
        out.append("<br />\n<br />\n".join(run))
    return "\n".join(out)


def _para(ctx: Ctx, article: Article, para: Para, *, dateline: bool = False) -> str:
    text = para.text
    if para.link_to is not None:
        text = _with_link(text)
    if para.line_break:
        # A single <br /> counts as a space (extraction rules): it replaces one.
        text = text.replace(". ", "." + _BR, 1)
    if dateline and article.dateline is not None:
        text = article.dateline.display + text
    if para.wrap:
        text = f"[{para.wrap}]{text}" + (f"[/{para.wrap}]" if para.closed else "")
    html = _inline(text, article.flags)
    if para.link_to is not None:
        target = ctx.site.articles[para.link_to].path
        html = html.replace(_LINK_OPEN, f'<a href="{attr(ctx.url(target))}">')
    return html.replace(_LINK_CLOSE, "</a>").replace(_BR, "<br />\n")


def _with_link(text: str) -> str:
    """Wrap the second to fourth words in a link marker (anchor text stays text)."""
    words = text.split(" ")
    if len(words) < 6:
        return text
    anchor = " ".join(words[1:4])
    return " ".join([words[0], _LINK_OPEN + anchor + _LINK_CLOSE, *words[4:]])


def _inline(text: str, flags: RenderFlags) -> str:
    """Whitespace and encoding variations that all clean back to the same text."""
    if flags.spacing:
        text = text.replace(" — ", "\u2009—\u2009").replace(". ", ".\u00a0 ", 1)
    if flags.wrap_lines:
        words = text.split(" ")
        text = "".join(w + ("\n" if n % 12 == 11 else " ") for n, w in enumerate(words)).strip()
    if flags.nfd:
        text = unicodedata.normalize("NFD", text)
    return encode(text, flags.entities)


def _figure(ctx: Ctx, image: ImageSpec) -> str:
    src = attr(ctx.url(image.src))
    size = 'width="300" height="200"'
    candidates = ", ".join(
        f"{ctx.url(path)} {_width(path)}w" for path in srcset_paths(image.src, image.style)
    )
    if image.style in ("bare", "lazy"):
        where = "data-src" if image.style == "lazy" else "src"
        css = "lazyload" if image.style == "lazy" else f"aligncenter wp-image-{image.attachment_id}"
        lazy_set = f' data-srcset="{attr(candidates)}"' if candidates else ""
        return f'<p><img class="{css}" {where}="{src}"{lazy_set} alt="" {size} /></p>'
    srcset = f' srcset="{attr(candidates)}" sizes="(max-width: 300px) 100vw, 300px"'
    img = (
        f'<img class="size-medium wp-image-{image.attachment_id}" src="{src}"'
        f'{srcset if candidates else ""} alt="" {size} />'
    )
    if image.style == "linked-caption":
        img = f'<a href="{attr(ctx.url(image.src.replace("-300x200", "")))}">{img}</a>'
    caption = encode(image.caption or "", "numeric")
    return (
        f'<div id="attachment_{image.attachment_id}" style="width: 310px" '
        f'class="wp-caption aligncenter">{img}<p class="wp-caption-text">{caption}</p></div>'
    )


def plain_text(article: Article) -> str:
    """The post content with tags stripped, as Divi's truncate_post sees it for excerpts."""
    parts = _media_lines(article)
    lead = article.paragraphs[0] if article.paragraphs else None
    for block in article.body:
        if isinstance(block, StrayShortcode):
            parts.append(block.code)
        elif isinstance(block, Para):
            dated = block is lead and article.dateline is not None
            text = (article.dateline.display if dated and article.dateline else "") + block.text
            parts.append(f"[{block.wrap}]{text}[/{block.wrap}]" if block.wrap else text)
    return " ".join(parts)


def _width(path: str) -> int:
    """The width a size variant's name says ("-300x200.jpg": 300); 1080 for the original."""
    match = re.search(r"-(\d+)x\d+\.jpg$", path)
    return int(match.group(1)) if match else 1080
