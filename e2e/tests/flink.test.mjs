// A Managed Service for Apache Flink application, end to end: added from the palette and wired
// to a stream (a producer cannot feed it directly), and its lesson: one subtask falls behind a
// four-shard stream, and raising parallelism in the inspector (UpdateApplication, applied live)
// brings it back within the goal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('a Flink application is added from the palette and reads a stream', { timeout: 60_000 }, async () => {
  await app.page.setViewportSize({ width: 1280, height: 800 });
  await app.goto();
  await app.waitReady();
  const palette = app.testId('palette-flink_app');
  assert.match(await palette.getAttribute('title'), /subtasks read a stream's shards/);
  const id = await app.addWithKeyboard('flink_app');
  await app.keyboardWire('events', id);
  assert.ok((await app.wires()).includes(`events-${id}`), 'stream -> Flink wired');
  await app.selectNode(id);
  assert.match(await app.testId('inspector').textContent(), /ParallelismPerKPU/);
  assert.deepEqual(app.errors, []);
});

test('the Flink lesson: parallelism 4, one subtask per shard, catches up', { timeout: 180_000 }, async () => {
  const { page } = app;
  await app.goto();
  await app.waitReady();
  await app.testId('lessons-open').click();
  await app.testId('lessons').waitFor();
  await app.testId('lesson-open-flink-parallelism').click();
  await page.locator('[data-testid="scenario-name"]', { hasText: 'a Flink application falls behind' }).waitFor();
  const card = app.testId('node-scoring');
  await page.waitForFunction(() => /1 subtask · 2 KPUs/.test(document.querySelector('[data-testid="node-scoring"]')?.textContent ?? ''));
  await app.setSpeed(10);
  await app.waitForSimMsAbove(30_000);
  assert.match(await card.textContent(), /CPU 100%/);
  await app.screenshot('flink-behind');

  await app.selectNode('scoring');
  const parallelism = app.testId('param-parallelism');
  await parallelism.fill('4');
  await parallelism.press('Enter');
  await page.waitForFunction(() => /4 subtasks · 5 KPUs/.test(document.querySelector('[data-testid="node-scoring"]')?.textContent ?? ''));
  assert.ok((await app.simMs()) >= 30_000, 'UpdateApplication applies live: the run went on');
  await app.setSpeed(60);
  await page.locator('[data-testid="lesson-status"][data-state="passed"]').waitFor({ timeout: 120_000 });
  await app.screenshot('flink-caught-up');
  assert.deepEqual(app.errors, []);
});
