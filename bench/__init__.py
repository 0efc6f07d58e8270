"""``python -m bench``: the side-by-side benchmark of issue 6.

A replica of N articles is exported as static files and served on loopback (nginx when
installed, else the replica's own server); bare Scrapy, the full archival crawl and
``wget --mirror --warc-file`` crawl it in alternating rounds, the crawl's WARCs are re-parsed
and compared with trafilatura on the same pages, and the crawl's peak memory is measured at
two sizes. Results go to ``bench/results/latest.json`` and ``bench/results/latest.md``.
"""
