"""Input formats (the parse stage's adapters) and their explicit registry."""

from __future__ import annotations

from ortaq.formats.base import InputFormat, ParseResult
from ortaq.formats.feed import Feed
from ortaq.formats.html import HtmlPage
from ortaq.formats.newsml1 import NewsML1
from ortaq.formats.newsmlg2 import NewsMLG2
from ortaq.formats.ninjs import NinJS
from ortaq.formats.nitf import NITF
from ortaq.formats.plaintext import PlainText
from ortaq.formats.ritzau import Ritzau
from ortaq.formats.wxr import WordPressExport
from ortaq.registry import Registry

__all__ = ["InputFormat", "ParseResult", "default_input_formats"]


def default_input_formats() -> Registry[InputFormat]:
    """The formats Ortaq reads, most specific first (sniffing ties go to the earlier)."""
    return Registry[InputFormat](
        "input format",
        [
            NinJS(),
            NewsMLG2(),
            NewsML1(),
            NITF(),
            Ritzau(),
            WordPressExport(),
            Feed(),
            HtmlPage(),
            PlainText(),
        ],
    )
