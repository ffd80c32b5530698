"""Checks on images as a reader's browser shows them."""


def assert_image_shows(image, timeout=10_000):
    """Wait for the image (a Locator) to finish loading, then fail if it is broken.

    A lazy image starts loading only once scrolled near, and a busy machine may take a
    moment more: reading ``complete`` at once made the check flaky."""
    handle = image.element_handle(timeout=timeout)
    handle.owner_frame().wait_for_function("img => img.complete", arg=handle, timeout=timeout)
    assert handle.evaluate("img => img.naturalWidth > 0"), "the image is broken"
