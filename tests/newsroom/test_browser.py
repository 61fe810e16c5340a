"""The newsroom in a real browser (Debian's chromium through Playwright): what an editor
does, checked on every page with axe-core; each test leaves screenshots in
test-output/browser."""

from __future__ import annotations

import re

import pytest

from tests.newsroom.conftest import Newsroom

pytestmark = pytest.mark.browser


def test_sign_in_lands_on_the_wire(newsroom: Newsroom) -> None:
    newsroom.sign_in("dala")
    page = newsroom.page
    assert page.url.rstrip("/") == newsroom.base
    assert page.get_by_role("heading", level=1).inner_text() == "Wire"
    assert page.locator("header.top").get_by_text(re.compile("dala-press")).count() == 1
    newsroom.shot("wire")
