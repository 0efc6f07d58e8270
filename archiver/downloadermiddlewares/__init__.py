"""Downloader middlewares of the archive crawl."""
