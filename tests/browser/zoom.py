"""What the browser tests read of a page's scan as it is enlarged (放大/缩小/适合宽度): its
shown width, the image shown (the preview, or the large image past its pixels), the zoom
level said, the boxes drawn over it as fractions of it, and whether the page's script
took a key or wheel event the browser zooms by."""

from __future__ import annotations

from playwright.sync_api import Page, expect

UNTAKEN = """([type, init]) => {
    const target = document.querySelector('.scan-frame');
    const event = type === 'wheel' ? new WheelEvent(type, init) : new KeyboardEvent(type, init);
    return target.dispatchEvent(event);
}"""
"""Dispatches an event at the scan's frame; true when nothing cancelled it (the browser's
own action, its zoom, goes ahead)."""


def shown_width(page: Page) -> float:
    """The scan's width on the page, in CSS pixels (more than its frame when enlarged);
    measured on the image's holder, which stays while the large image replaces the
    preview."""
    box = page.locator(".scan .scan-page").bounding_box()
    assert box is not None
    return float(box["width"])


def image_shown(page: Page) -> tuple[str, int]:
    """The last part of the scan image's address (``preview`` or ``large``) and its own
    width in pixels, once it has loaded."""
    image = page.locator(".scan img")
    expect(image).to_have_count(1)
    address, width = image.evaluate(
        "img => img.complete ? [img.getAttribute('src'), img.naturalWidth] : [null, 0]")
    return str(address).rsplit("/", 1)[-1], int(width)


def boxes_on_scan(page: Page) -> list[float]:
    """Each box drawn over the scan as its left, top, width and height, one after another,
    in fractions of the scan: the same at every zoom when the boxes stay over their words."""
    scan = page.locator(".scan .scan-page").bounding_box()
    assert scan is not None
    drawn: list[float] = []
    rects = page.locator("svg.boxes rect")
    for index in range(rects.count()):
        box = rects.nth(index).bounding_box()
        assert box is not None
        drawn += [(box["x"] - scan["x"]) / scan["width"], (box["y"] - scan["y"]) / scan["height"],
                  box["width"] / scan["width"], box["height"] / scan["height"]]
    return drawn


def expect_zoom(page: Page, said: str, width: float) -> None:
    """The zoom level says ``said`` and the scan is ``width`` pixels wide (± 1)."""
    expect(page.locator(".zoom-level")).to_have_text(said)
    assert abs(shown_width(page) - width) <= 1, (shown_width(page), width)


def browser_zoom_is_left_alone(page: Page) -> bool:
    """Whether Ctrl with + or -, and a pinch on a trackpad (a wheel with Ctrl), reach the
    browser uncancelled, the scan's zoom unchanged."""
    said = page.locator(".zoom-level").inner_text()
    untaken = [page.evaluate(UNTAKEN, ["keydown", {"key": key, "ctrlKey": True,
                                                   "bubbles": True, "cancelable": True}])
               for key in ("+", "-", "=")]
    untaken.append(page.evaluate(UNTAKEN, ["wheel", {"deltaY": -120, "ctrlKey": True,
                                                     "bubbles": True, "cancelable": True}]))
    page.keyboard.press("Control+Equal")
    return all(untaken) and page.locator(".zoom-level").inner_text() == said
