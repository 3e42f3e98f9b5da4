// Opens a bundled scenario (or `large`, the engine's benchmark) by its share link in a fresh
// 1440x900 page with the tour skipped, and waits until the app is ready: how the bench scripts
// that look at one scenario start.
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';

/** The share-link fragment of scenario `name` (`large` is sim-core/benches/large.json). */
export async function scenarioLink(name) {
  const file = name === 'large' ? 'sim-core/benches/large.json' : `scenarios/${name}.json`;
  const json = await readFile(new URL(`../../${file}`, import.meta.url), 'utf8');
  return `#s=${deflateRawSync(Buffer.from(JSON.stringify(JSON.parse(json)))).toString('base64url')}`;
}

/** A new page of `browser` showing scenario `name` from the site at `url`, ready. */
export async function openScenario(browser, url, name) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('shardplay.tour', 'skipped'));
  const page = await context.newPage();
  await page.goto(url + (await scenarioLink(name)));
  await page.locator('[data-testid="app"][data-ready="true"]').waitFor({ timeout: 120_000 });
  return { context, page };
}
