from tests.browser.test_comment_journey import _seed_thread, _seed, ROCKY
def test_x(demo_site, open_page, settings):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    _seed_thread()
    for w in (320, 390):
        page = open_page(viewport={"width": w, "height": 800})
        page.goto(demo_site + ROCKY)
        print(w, page.evaluate("""() => [...document.querySelectorAll('.comment')].map(li => {
          const t = li.querySelector(':scope > article .comment__text p');
          const r = t.getBoundingClientRect();
          const c = document.createElement('canvas').getContext('2d');
          const cs = getComputedStyle(t); c.font = cs.fontSize + ' ' + cs.fontFamily;
          const sample = 'the quick brown fox jumps over the lazy dog and keeps on reading';
          const avg = c.measureText(sample).width / sample.length;
          return [li.id, Math.round(r.left), Math.round(r.width), Math.round(r.width / avg), cs.fontSize];
        })"""))
    page.get_by_role("textbox", name="Email", exact=True).fill("bad")
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()
    print(page.locator("#id_email").evaluate("e => e.outerHTML"))
    print(page.locator(".error-summary").inner_text())
