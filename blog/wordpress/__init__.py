"""Moving a blog in from WordPress: its export (WXR) read as a stream (``wxr``)."""
