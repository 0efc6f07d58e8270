"""Spider middlewares of the archive crawl."""
