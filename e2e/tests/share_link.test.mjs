// The address bar carries the scenario: a copied link opens the same scenario in a fresh
// browser and gives the same numbers at the same simulated time; a broken link says why
// and shows the default scenario instead of a blank page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppPage, openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('a copied link reproduces the run bit for bit in a fresh browser', { timeout: 90_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.openScenario('Split a shard during a spike');
  await app.setRate(0, 900);
  await app.page.waitForFunction(() => location.hash.startsWith('#s='));
  const link = app.page.url();

  // A fresh context: no storage, no history, only the link.
  const context = await app.page.context().browser().newContext({ viewport: { width: 1280, height: 800 } });
  const other = new AppPage(await context.newPage(), link);
  await other.goto();
  await other.waitReady();
  assert.equal(await other.scenarioName(), 'Split a shard during a spike');
  assert.match(await other.testId('goto-rate-0').textContent(), /rate: 900 rec\/s/);

  // Same seed, same steps: the same numbers.
  for (const page of [app, other]) {
    await page.pause();
    await page.reset();
    await page.step(20);
    await page.waitForSimMs(20_000);
  }
  const [mine, theirs] = [await app.figures(), await other.figures()];
  assert.equal(mine['sim-clock'], 20_000);
  assert.deepEqual(theirs, mine);
  assert.ok(mine['total-produced'] > 0);
  assert.deepEqual(other.errors, []);
  await context.close();
});

test('a damaged link explains itself and opens the default scenario', { timeout: 60_000 }, async () => {
  const base = app.url.split('#')[0];
  const context = await app.page.context().browser().newContext();
  const fresh = new AppPage(await context.newPage(), `${base}#s=this-is-not-a-scenario`);
  await fresh.goto();
  await fresh.waitReady();
  assert.match(await fresh.noticeText(), /This link could not be opened: it is damaged or cut short.*Ask whoever sent it for the link again/);
  assert.equal(await fresh.scenarioName(), 'Clickstream with a hot partition key');
  // The broken address stays as it was until the user changes something.
  assert.match(fresh.page.url(), /#s=this-is-not-a-scenario$/);
  await context.close();
});

test('pasting a damaged link into an open tab keeps the current scenario', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.openScenario('A hot shard from skewed keys (Zipf)');
  await app.page.evaluate(() => { location.hash = 's=AAAA'; });
  await app.page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent.includes('could not be opened'));
  assert.match(await app.noticeText(), /Meanwhile this is the current scenario/);
  assert.equal(await app.scenarioName(), 'A hot shard from skewed keys (Zipf)');
});
