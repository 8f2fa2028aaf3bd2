"""Files for crawlers and feed readers: `sitemap.xml` (split into a sitemap index past
`max_urls` URLs), `robots.txt` and the Atom feed of changes (`changes.xml`).

Every date in them comes from the crawl runs (when a page's data last changed, when a
run finished), never from the clock, so a rebuild writes the same bytes.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from catalog.render.changes import RunChanges

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
#: The sitemaps.org limit of URLs per sitemap file.
SITEMAP_MAX_URLS = 50_000
#: Runs in the Atom feed, newest first; older ones stay on the changes page.
FEED_RUNS = 50
#: Changes listed in one feed entry; the entry links to the run's page for the rest.
FEED_ROWS = 50

_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _urlset(urls: list[tuple[str, str | None]]) -> str:
    lines = [_XML_HEAD, f'<urlset xmlns="{SITEMAP_NS}">\n']
    for loc, lastmod in urls:
        mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(loc)}</loc>{mod}</url>\n")
    lines.append("</urlset>\n")
    return "".join(lines)


def sitemap_files(urls: list[tuple[str, str | None]], base: str,
                  max_urls: int = SITEMAP_MAX_URLS) -> dict[str, str]:
    """Returns {path: XML} of the sitemap: one `sitemap.xml` urlset, or, past `max_urls`,
    a `sitemap.xml` index of `sitemap-1.xml`, `sitemap-2.xml`, ... of `max_urls` each.

    `urls` are (absolute URL, lastmod date or None); they are sorted here.
    """
    ordered = sorted(urls)
    if len(ordered) <= max_urls:
        return {"sitemap.xml": _urlset(ordered)}
    files: dict[str, str] = {}
    index = [_XML_HEAD, f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for n, start in enumerate(range(0, len(ordered), max_urls), start=1):
        part = ordered[start:start + max_urls]
        name = f"sitemap-{n}.xml"
        files[name] = _urlset(part)
        dates = [d for _, d in part if d]
        mod = f"<lastmod>{max(dates)}</lastmod>" if dates else ""
        index.append(f"<sitemap><loc>{escape(base + name)}</loc>{mod}</sitemap>\n")
    index.append("</sitemapindex>\n")
    files["sitemap.xml"] = "".join(index)
    return files


def robots_txt(base: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"


def _text(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def atom_feed(runs: list[RunChanges], base: str, title: str, run_href: dict[int, str]
              ) -> str:
    """Returns the Atom feed of `runs` (newest first): one entry per run that changed
    something, linking to the run's page (`run_href`: run ID -> path under `base`)."""
    shown = [r for r in runs if r.first or r.rows][:FEED_RUNS]
    updated = shown[0].timestamp if shown else "1970-01-01T00:00:00Z"
    out = [_XML_HEAD, f'<feed xmlns="{ATOM_NS}">\n',
           f"<title>{_text(title)}: changes</title>\n",
           "<subtitle>Price changes, new and removed models, by crawl run</subtitle>\n",
           f"<id>{_text(base)}changes.xml</id>\n",
           f'<link rel="self" type="application/atom+xml" href="{_text(base)}changes.xml"/>\n',
           f'<link rel="alternate" type="text/html" href="{_text(base)}changes.html"/>\n',
           f"<updated>{updated}</updated>\n",
           f"<author><name>{_text(title)}</name></author>\n"]
    for run in shown:
        url = base + run_href[run.run_id]
        lines = [f"Run {run.run_id} ({run.date}): {run.summary}."]
        for row in run.rows[:FEED_ROWS]:
            lines.append(f"- {row.kind}: {row.model.text} ({row.model_id}), {row.provider}: "
                         f"{row.detail}")
        if len(run.rows) > FEED_ROWS:
            lines.append(f"… and {len(run.rows) - FEED_ROWS:,} more on {url}")
        out += ["<entry>\n",
                f"<title>{_text(f'Run {run.run_id} ({run.date}): {run.summary}')}</title>\n",
                f"<id>{_text(url)}</id>\n",
                f'<link rel="alternate" type="text/html" href="{_text(url)}"/>\n',
                f"<updated>{run.timestamp}</updated>\n",
                f'<content type="text">{_text(chr(10).join(lines))}</content>\n',
                "</entry>\n"]
    out.append("</feed>\n")
    return "".join(out)
