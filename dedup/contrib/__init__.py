"""Integrations with other tools, one module per optional dependency.

* :mod:`dedup.contrib.scrapy` -- an item pipeline (``pip install 'news-dedup[scrapy]'``).
"""
