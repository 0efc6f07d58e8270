"""Pull quotes: ``[inset_left]…[/inset_left]`` (or unclosed) repeating a sentence of the body.

A pull quote is layout: the theme's shortcode set a sentence of the article apart in a box.
Kept, its words would be counted twice in ``text`` and ``word_count``; so a span whose text
is found again in the rest of the body is dropped whole. A span whose text is not found
elsewhere is not a repetition, and stays as text (its tags are stripped like any leaked
shortcode): words of the article are never dropped on a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from archiver.parsers.normalize import clean, strip_shortcodes

PULL_QUOTE_NAMES = ("inset_left", "inset_right", "pullquote", "pull_quote")
_OPEN = re.compile(r"\[(" + "|".join(PULL_QUOTE_NAMES) + r")(?:\s[^\]\[]{0,500})?\]")
_BREAK = "\n\n"


def drop_pull_quotes(paragraphs: list[str]) -> list[str]:
    """The paragraphs without the pull quotes that repeat the rest of the body."""
    joined = _BREAK.join(paragraphs)
    if "[" not in joined or not _OPEN.search(joined):
        return paragraphs
    spans = list(_spans(joined))
    outside = clean(strip_shortcodes(_cut(joined, spans)))
    repeated = [span for span in spans if _inner(joined, span) in outside]
    if not repeated:
        return paragraphs
    return [clean(paragraph) for paragraph in _cut(joined, repeated).split(_BREAK)]


Span = tuple[int, int, int, int]  # start, end, and where the quoted text starts and ends


def _spans(text: str) -> Iterator[Span]:
    """Each pull quote: to its closing tag, or, unclosed, to the end of its paragraph (the
    next paragraph when the opening tag stood alone in its own)."""
    position = 0
    while match := _OPEN.search(text, position):
        inner = match.end()
        close = text.find(f"[/{match[1]}]", inner)
        following = _OPEN.search(text, inner)
        if close >= 0 and (following is None or close < following.start()):
            end, inner_end = close + len(match[1]) + 3, close
        else:
            if text.startswith(_BREAK, inner):
                inner += len(_BREAK)
            found = text.find(_BREAK, inner)
            end = inner_end = len(text) if found < 0 else found
        yield match.start(), end, inner, inner_end
        position = end


def _inner(text: str, span: Span) -> str:
    quote = clean(strip_shortcodes(text[span[2] : span[3]]))
    return quote or "\0"  # an empty quote repeats nothing: never "found" in the body


def _cut(text: str, spans: list[Span]) -> str:
    """``text`` without the spans; a paragraph break inside a span is kept."""
    kept, position = [], 0
    for start, end, _, _ in spans:
        kept += [text[position:start], f" {_BREAK} " if _BREAK in text[start:end] else " "]
        position = end
    kept.append(text[position:])
    return "".join(kept)


__all__ = ["PULL_QUOTE_NAMES", "drop_pull_quotes"]
