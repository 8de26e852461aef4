"""``make bench-load``'s server settings: the product's, with the minimal baseline pages beside its URLs."""

from aftersales.settings import *  # noqa: F403

ROOT_URLCONF = "bench.minimal_urls"
