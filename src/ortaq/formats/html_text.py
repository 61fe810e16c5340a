"""HTML markup to plain paragraphs, for formats that carry bodies as HTML strings.

Used for ninjs body_html/bodies, RSS/Atom content and WordPress content:encoded. Not for
whole web pages: those go through trafilatura (html.py) to drop navigation and boilerplate.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

# Elements whose start and end break a paragraph.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "div",
        "dl",
        "dt",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# Elements whose content is never body text (figures: image captions are not the story).
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "iframe",
    "object",
    "figure",
)
# Characters lxml cannot hold in a text node (controls, lone surrogates, non-characters).
NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
CAPTION_SHORTCODE = re.compile(r"\[caption\b[^\]]*\].*?\[/caption\]", re.IGNORECASE | re.S)
SHORTCODE_CLOSER = re.compile(r"\[/([a-z][a-z0-9_-]*)\]", re.IGNORECASE)
# Self-closing shortcodes: core media ones and plugin ones (plugins prefix: vc_, et_pb_).
STANDALONE_SHORTCODE = re.compile(
    r"\[(?:gallery|embed|audio|video|playlist|[a-z0-9]+[_-][a-z0-9_-]+)(?:\s[^\]]*)?/?\]",
    re.IGNORECASE,
)
BREAK = "\ue000"  # private-use char: marks a paragraph break while whitespace is folded


def html_paragraphs(markup: str, newline_breaks: bool = False) -> list[str]:
    """Paragraphs of an HTML string (a fragment or a document), whitespace folded.

    Block elements, <br> and blank lines break paragraphs. A single newline is source
    formatting, unless `newline_breaks` (WordPress content, where it means <br>).
    """
    markup = XML_DECLARATION.sub("", NOT_XML_CHARS.sub(" ", markup.replace(BREAK, " ")))
    if not markup.strip():
        return []
    try:
        root = lxml_html.document_fromstring(markup)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return _split_plain(_strip_tags(markup), newline_breaks)
    _drop(root)
    _mark_breaks(root, newline_breaks)
    text = root.text_content()
    return [p for p in (" ".join(part.split()) for part in text.split(BREAK)) if p]


def strip_shortcodes(text: str) -> str:
    """Remove WordPress shortcodes ([dropcap]M[/dropcap], [contact_form]), keep their text.

    A bracketed word without a closing tag ("[sic]", "[1]") is text, not a shortcode.
    Captions go whole, like <figure>: they describe an image, not the story.
    """
    text = CAPTION_SHORTCODE.sub("", text)
    for name in {m.group(1).lower() for m in SHORTCODE_CLOSER.finditer(text)}:
        opener = re.compile(rf"\[/?{re.escape(name)}(?:\s[^\]]*)?\]", re.IGNORECASE)
        text = opener.sub("", text)
    return STANDALONE_SHORTCODE.sub("", text)


def _drop(root: lxml_html.HtmlElement) -> None:
    for element in list(root.iter(*DROP_TAGS)):
        element.drop_tree()
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove_keep_tail(node)


def _remove_keep_tail(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def _mark_breaks(root: lxml_html.HtmlElement, newline_breaks: bool) -> None:
    """Mark line breaks that are paragraph breaks, then BREAK around blocks and <br>."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        in_pre = any(a.tag == "pre" for a in element.iterancestors())
        element.text = _mark_newlines(
            element.text, newline_breaks or in_pre or element.tag == "pre"
        )
        element.tail = _mark_newlines(element.tail, newline_breaks or in_pre)
        if element.tag in BLOCK_TAGS:
            element.text = BREAK + (element.text or "")
            element.tail = BREAK + (element.tail or "")
        elif element.tag == "br":
            element.tail = BREAK + (element.tail or "")


def _mark_newlines(text: str | None, every_newline: bool) -> str | None:
    if not text or "\n" not in text:
        return text
    return re.sub(r"\n" if every_newline else r"\n[ \t\r\f\v]*\n\s*", BREAK, text)


def _split_plain(text: str, newline_breaks: bool) -> list[str]:
    parts = re.split(r"\n" if newline_breaks else r"\n\s*\n", text)
    return [p for p in (" ".join(part.split()) for part in parts) if p]


def _strip_tags(markup: str) -> str:
    return re.sub(r"<[^>]*>", " ", markup)
