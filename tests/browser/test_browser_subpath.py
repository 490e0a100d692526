"""The site built for a sub-path (a project page such as /spectral-condition/) and served only there.

Last in the browser tests' order on purpose: the sub-path build runs in the background meanwhile.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from browser_helpers import assert_matches_native, step_width, wait_all, width_experiment

pytestmark = pytest.mark.browser
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def test_served_under_a_sub_path_the_demos_go_live(page, subpath_server):
    name = width_experiment()
    page.goto(subpath_server + "demos/")
    wait_all(page, "live")
    step_width(page, name)
    assert_matches_native(page, name)
    outside = [u for u in page.guard.requests if not u.startswith(("data:", "blob:", subpath_server))]
    assert not outside, f"requests outside the sub-path: {outside[:5]}"


def test_under_a_sub_path_every_local_link_stays_inside_it(subpath_site, subpath_server):
    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.urls = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            for key in ("href", "src"):
                if tag in ("a", "link", "script", "img", "source", "iframe") and a.get(key):
                    self.urls.append(a[key])

    prefix = urlsplit(subpath_server).path
    outside = []
    for html in sorted(subpath_site.rglob("*.html")):
        page_url = urljoin(subpath_server, html.parent.relative_to(subpath_site).as_posix() + "/")
        links = Links()
        links.feed(html.read_text(encoding="utf-8"))
        for url in links.urls:
            target = urlsplit(urljoin(page_url, url))
            if target.scheme in ("http", "https") and target.hostname in LOCAL_HOSTS:
                if not target.path.startswith(prefix):
                    outside.append(f"{html.relative_to(subpath_site)}: {url}")
    assert not outside, outside[:10]
    sitemap = (subpath_site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locs and all(u.startswith(subpath_server) for u in locs)
