// Untrusted strings render as text, and a panic inside the app leaves a recovery banner
// that reloads the last good scenario, never a dead page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { AppPage, openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

/** A link fragment (`#s=...`) for a scenario object, encoded as the app does. */
function linkFor(scenario) {
  return `#s=${deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString('base64url')}`;
}

async function hostileScenario() {
  const url = new URL('../../scenarios/clickstream.json', import.meta.url);
  const scenario = JSON.parse(await readFile(url, 'utf8'));
  scenario.name = '<img src=x onerror="window.pwned=1">Hostile';
  scenario.nodes[1].name = '<b>bold</b> & <script>window.pwned=2</script>';
  return scenario;
}

test('names with markup show literally and run no script', { timeout: 60_000 }, async () => {
  const base = app.url.split('#')[0];
  await app.page.goto(base + linkFor(await hostileScenario()));
  await app.waitReady();
  assert.equal(await app.scenarioName(), '<img src=x onerror="window.pwned=1">Hostile');
  const card = await app.testId('node-events').textContent();
  assert.match(card, /<b>bold<\/b> & <script>window\.pwned=2<\/script>/);
  assert.equal(await app.page.locator('[data-testid="app"] img, [data-testid="app"] script, [data-testid="app"] b').count(), 0);
  assert.equal(await app.page.evaluate(() => window.pwned), undefined);
});

test('a panic shows a recovery banner that reloads the last good scenario', { timeout: 60_000 }, async () => {
  const base = app.url.split('#')[0];
  const context = await app.page.context().browser().newContext();
  const page = new AppPage(await context.newPage(), `${base}?debug=panic${linkFor(await hostileScenario())}`);
  await page.goto();
  await page.waitReady();
  await page.testId('recovery').waitFor({ timeout: 20_000 });
  assert.match(await page.testId('recovery').textContent(), /internal error.*Your scenario is safe/);
  await page.testId('recovery-reload').click();
  await page.page.waitForURL((url) => !url.search.includes('debug=panic'));
  await page.waitReady();
  assert.equal(await page.scenarioName(), '<img src=x onerror="window.pwned=1">Hostile');
  assert.equal(await page.testId('recovery').count(), 0);
  await page.waitForSimMsAbove(1_500);
  await context.close();
});

test('an empty scenario shows an empty canvas that says what to do', { timeout: 60_000 }, async () => {
  const base = app.url.split('#')[0];
  const context = await app.page.context().browser().newContext();
  const page = new AppPage(await context.newPage(), base + linkFor({ v: 1, name: 'Empty', nodes: [] }));
  await page.goto();
  await page.waitReady();
  assert.match(await page.testId('empty-canvas').textContent(), /no nodes yet.*Gallery/);
  await page.waitForSimMsAbove(500);
  assert.deepEqual(page.errors, []);
  await context.close();
});
