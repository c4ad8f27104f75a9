"""render_page: a standalone page that never lets a translation inject script."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

from postloc.markdown.html import bcp47, render_page


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(page: str) -> Collector:
    collector = Collector()
    collector.feed(page)
    return collector


BODY = """Le **35 pays** et [le site](https://example.org).

| a | b |
| - | - |
| ~~x~~ | y |
"""


def test_page_structure():
    page = render_page(
        BODY,
        lang="en",
        title="Coalition & co",
        front_matter={
            "description": 'A "quoted" <desc>',
            "date": dt.date(2025, 9, 6),
            "date_display": "September 6, 2025",
        },
    )
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
    assert "<title>Coalition &amp; co</title>" in page
    assert '<meta name="description" content="A &quot;quoted&quot; &lt;desc&gt;">' in page
    assert '<time datetime="2025-09-06">September 6, 2025</time>' in page
    assert "<strong>35 pays</strong>" in page
    assert '<a href="https://example.org">le site</a>' in page
    assert "<table>" in page and "<s>x</s>" in page
    assert page.endswith("</article>\n</body>\n</html>\n")
    tags = [tag for tag, _ in parse(page).tags]
    assert tags[:4] == ["html", "head", "meta", "meta"]
    assert parse(page).title == "Coalition & co"


def test_lang_attribute_is_bcp47():
    assert bcp47("pt_BR") == "pt-BR" and bcp47("en") == "en"
    assert '<html lang="pt-BR">' in render_page("x", lang="pt_BR", title="t", front_matter={})
    assert '<html lang="ar" dir="rtl">' in render_page("x", lang="ar", title="t", front_matter={})


def test_title_cannot_break_out():
    page = render_page("x", lang="en", title="</title><script>alert(1)</script>", front_matter={})
    assert "<script>" not in page
    assert parse(page).title == "</title><script>alert(1)</script>"


def test_script_in_translation_is_escaped():
    page = render_page(
        'Hello <script>alert(1)</script>\n\n<div onclick="x()">block</div>\n',
        lang="en",
        title="t",
        front_matter={},
    )
    assert "<script>" not in page and "<div" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert all(tag not in {"script", "div"} for tag, _ in parse(page).tags)


def test_unsafe_links_are_not_clickable():
    page = render_page(
        "[x](javascript:alert(1)) [y](JAVASCRIPT:alert(1)) <javascript:alert(2)> "
        "![i](data:text/html;base64,PHM+) [v](vbscript:msgbox)\n",
        lang="en",
        title="t",
        front_matter={},
    )
    hrefs = [
        attrs.get("href") or attrs.get("src")
        for tag, attrs in parse(page).tags
        if tag in {"a", "img"}
    ]
    assert hrefs == []
    assert "javascript:alert(1)" in page  # shown as text, not a link


def test_front_matter_values_are_optional_and_ignored_when_not_text():
    page = render_page("x", lang="en", title="t", front_matter={"description": ["a"], "date": None})
    assert "description" not in page and "<time" not in page


def test_deterministic():
    args = dict(lang="es", title="Título", front_matter={"date": "2025-09-06"})
    assert render_page(BODY, **args) == render_page(BODY, **args)


def test_site_tags_show_as_escaped_text_and_their_code_as_code() -> None:
    body = (
        'Voir {{< abbr title="<script>" >}} et [la FAQ]({{< ref "faq.md" >}}).\n\n'
        '{{< figure src="a.png" >}}\n\n{% highlight html %}\n<b>gras</b>\n{% endhighlight %}\n'
    )
    page = render_page(body, lang="en", title="T", front_matter={})
    assert "<script>" not in page
    assert "{{&lt; abbr title=&quot;&lt;script&gt;&quot; &gt;}}" in page
    assert "<p>{{&lt; figure src=&quot;a.png&quot; &gt;}}</p>" in page
    assert "<pre><code>&lt;b&gt;gras&lt;/b&gt;\n</code></pre>" in page
    assert ("a", {"href": "%7B%7B%3C%20ref%20%22faq.md%22%20%3E%7D%7D"}) in parse(page).tags
