"""Reads of the service points' records that pages, the API and other apps use."""
