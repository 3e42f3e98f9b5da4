// Embeds (issue 24): "Copy embed code" gives an iframe snippet; a plain page with that iframe
// shows only the canvas, the play controls, the clock and the headline figures, sized to the
// frame, with an "Open in Shardplay" link to the full app on the same scenario.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { openApp, OUTPUT_DIR } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp({ viewport: { width: 1000, height: 760 } })));
after(() => close?.());

test('Copy embed code gives an iframe of this scenario; in a plain page it shows the essentials', { timeout: 90_000 }, async () => {
  const page = app.page;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.goto();
  await app.waitReady();
  await app.testId('copy-embed').click();
  await page.locator('[data-testid="notice"]', { hasText: 'Embed code copied' }).waitFor();
  const code = await page.evaluate(() => navigator.clipboard.readText());
  const src = /<iframe src="([^"]+)"/.exec(code)?.[1]?.replaceAll('&amp;', '&');
  assert.ok(src, `an iframe snippet: ${code}`);
  assert.match(src, /\?embed#/, 'the address asks for the embedded view and carries the scenario');
  assert.match(code, /title="Shardplay: Clickstream/, 'the frame has a title naming the scenario');

  // A plain page (another origin: about:blank) with the snippet, 640x420.
  await page.setContent(`<!doctype html><html lang="en"><head><title>A course page</title></head><body style="margin:20px">
    <h1>Week 3: partition keys</h1>${code.replace('width="100%" height="520"', 'width="640" height="420"')}</body></html>`);
  const frame = page.frameLocator('iframe');
  await frame.locator('[data-testid="app"][data-ready="true"]').waitFor({ timeout: 30_000 });
  for (const id of ['pipeline', 'play-pause', 'sim-clock', 'speed', 'stat-incoming', 'open-full']) {
    assert.ok(await frame.locator(`[data-testid="${id}"]`).first().isVisible(), `${id} is shown`);
  }
  for (const id of ['palette', 'inspector', 'controls', 'scenario-picker', 'gallery-open', 'copy-link']) {
    assert.equal(await frame.locator(`[data-testid="${id}"]`).first().isVisible(), false, `${id} is hidden`);
  }
  // Sized to the frame: the page does not scroll, the canvas fills what the rest leaves.
  const inner = frame.locator('html');
  const size = await inner.evaluate((el) => ({ sw: el.scrollWidth, sh: el.scrollHeight, w: el.clientWidth, h: el.clientHeight }));
  assert.ok(size.sw <= size.w && size.sh <= size.h + 1, `no scrolling inside the frame: ${JSON.stringify(size)}`);
  const canvas = await frame.locator('[data-testid="pipeline"]').boundingBox();
  assert.ok(canvas.height >= 150, `the canvas is ${canvas.height} px tall`);
  const outside = await frame.locator('svg.pipeline').evaluate((svg) => {
    const c = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('.card-bg')].map((e) => e.getBoundingClientRect())
      .filter((r) => r.left < c.left - 1 || r.right > c.right + 1 || r.top < c.top - 1 || r.bottom > c.bottom + 1).length;
  });
  assert.equal(outside, 0, 'the pipeline is fitted to the frame');
  // Play works inside the frame; the link opens the full app on the same scenario.
  const playing = (await frame.locator('[data-testid="play-pause"]').getAttribute('aria-pressed')) === 'true';
  await frame.locator('[data-testid="play-pause"]').click();
  await frame.locator(`[data-testid="play-pause"][aria-pressed="${!playing}"]`).waitFor();
  const href = await frame.locator('[data-testid="open-full"]').getAttribute('href');
  assert.ok(!href.includes('embed') && href.includes('#'), `the full app, same fragment: ${href}`);
  assert.equal(await frame.locator('[data-testid="open-full"]').getAttribute('target'), '_blank');
  await mkdir(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: `${OUTPUT_DIR}screens-embed-iframe.png` });
});

test('an embed scrolled out of the host page holds still and runs again in view', { timeout: 90_000 }, async () => {
  const page = app.page;
  await app.goto();
  await app.waitReady();
  const src = `${app.url.split('#')[0]}?embed`;
  await page.setContent(`<!doctype html><html lang="en"><head><title>A long post</title></head><body style="margin:0">
    <div id="top" style="height:3000px">Scroll down for the pipeline.</div>
    <iframe src="${src}" title="Shardplay" width="640" height="420" style="border:0"></iframe></body></html>`);
  const frame = page.frameLocator('iframe');
  await frame.locator('[data-testid="app"][data-ready="true"]').waitFor({ timeout: 30_000 });
  const clock = frame.locator('[data-testid="sim-clock"]');
  const ms = async () => Number(await clock.getAttribute('data-ms'));
  const first = await ms();
  await page.waitForTimeout(1_500);
  assert.equal(await ms(), first, 'out of view, simulated time stands still');
  await page.locator('iframe').scrollIntoViewIfNeeded();
  await frame.locator('[data-testid="sim-clock"]').evaluate(
    (el, t) => new Promise((ok) => { const tick = () => (Number(el.dataset.ms) > t ? ok() : requestAnimationFrame(tick)); tick(); }),
    first,
  );
  assert.ok((await ms()) > first, 'in view, it runs');
});
