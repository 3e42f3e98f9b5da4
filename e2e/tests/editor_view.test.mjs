// Canvas gestures and shortcuts on the default scenario: select all, copy / paste, arrow moves,
// wire deletion by keyboard, a card dragged by the pointer, box select, wheel zoom at the pointer,
// Space-drag pan.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

const selected = () => app.page.locator('svg.pipeline g.card[aria-pressed="true"]').count();
const worldTransform = () => app.page.locator('svg.pipeline g.world').getAttribute('transform');
const nodeTransform = (id) => app.page.locator(`[data-testid="node-${id}"]`).locator('..').getAttribute('transform');

test('select all, copy and paste, arrow moves and wire deletion are each one undo step', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  const nodes = await app.nodeIds();
  await app.testId('pipeline').focus();
  await app.page.keyboard.press('Control+a');
  assert.equal(await selected(), nodes.length);
  await app.page.keyboard.press('Control+c');
  await app.page.keyboard.press('Control+v');
  assert.equal((await app.nodeIds()).length, 2 * nodes.length);
  assert.equal(await selected(), nodes.length, 'the pasted copies are selected');
  await app.undo();
  assert.deepEqual(await app.nodeIds(), nodes);

  await app.testId(`node-${nodes[0]}`).click({ position: { x: 60, y: 30 } });
  const before = await nodeTransform(nodes[0]);
  await app.testId('pipeline').focus();
  await app.page.keyboard.press('ArrowRight');
  assert.notEqual(await nodeTransform(nodes[0]), before);
  await app.undo();
  assert.equal(await nodeTransform(nodes[0]), before);

  const [wire] = await app.wires();
  await app.testId(`wire-${wire}`).focus();
  await app.page.keyboard.press('Enter');
  await app.page.keyboard.press('Delete');
  assert.ok(!(await app.wires()).includes(wire));
  assert.match(await app.testId('doc-problems').textContent(), /Not running yet/);
  await app.undo();
  assert.ok((await app.wires()).includes(wire));
  await app.testId('doc-problems').waitFor({ state: 'detached' });
});

test('box select, wheel zoom at the pointer, and Space-drag pans without moving or pausing', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  const box = await app.testId('pipeline').boundingBox();
  await app.page.keyboard.down('Shift');
  await app.page.mouse.move(box.x + 4, box.y + 4);
  await app.page.mouse.down();
  await app.page.mouse.move(box.x + box.width - 4, box.y + box.height - 4, { steps: 6 });
  await app.page.mouse.up();
  await app.page.keyboard.up('Shift');
  assert.equal(await selected(), (await app.nodeIds()).length);

  const zoomBefore = await worldTransform();
  await app.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await app.page.mouse.wheel(0, -300);
  await app.page.waitForFunction((t) => document.querySelector('svg.pipeline g.world').getAttribute('transform') !== t, zoomBefore);

  await app.testId('fit-view').click();
  const [first] = await app.nodeIds();
  const card = await app.testId(`node-${first}`).boundingBox();
  const at = await nodeTransform(first);
  const view = await worldTransform();
  const playing = await app.isPlaying();
  await app.page.mouse.move(card.x + 40, card.y + 30);
  await app.testId('pipeline').focus();
  await app.page.keyboard.down(' ');
  await app.page.mouse.down();
  await app.page.mouse.move(card.x + 140, card.y + 60, { steps: 5 });
  await app.page.mouse.up();
  await app.page.keyboard.up(' ');
  assert.notEqual(await worldTransform(), view, 'the view panned');
  assert.equal(await nodeTransform(first), at, 'the card stayed where it was');
  assert.equal(await app.isPlaying(), playing, 'a Space-drag does not toggle play');
  // A tap of Space over the canvas still plays or pauses.
  await app.testId('pipeline').focus();
  await app.page.keyboard.press(' ');
  await app.page.locator(`[data-testid="play-pause"][aria-pressed="${!playing}"]`).waitFor();
  assert.deepEqual(app.errors, []);
});

test('a dragged card follows the pointer from wherever it was pressed, and the drag is one undo step', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  const [first] = await app.nodeIds();
  const card = app.testId(`node-${first}`);
  const before = await card.boundingBox();
  const at = await nodeTransform(first);
  const zoom = await app.page.evaluate(() =>
    Number(/scale\(([\d.]+)\)/.exec(document.querySelector('svg.pipeline g.world').getAttribute('transform'))[1]));
  // Pressed off the card's corner, moved 120 px right and 45 px down in steps.
  const link = () => app.page.evaluate(() => location.hash);
  const linkBefore = await link();
  await app.page.mouse.move(before.x + 50, before.y + 25);
  await app.page.mouse.down();
  await app.page.mouse.move(before.x + 170, before.y + 70, { steps: 8 });
  // Mid-drag the card is shown moved, but the document (and so the link) is
  // untouched until the drop: the drag is shown, not yet an edit.
  assert.notEqual(await nodeTransform(first), at, 'the card follows the pointer mid-drag');
  assert.equal(await link(), linkBefore, 'the link waits for the drop');
  await app.page.mouse.up();
  await app.page.waitForFunction((was) => location.hash !== was, linkBefore);
  const after = await card.boundingBox();
  // The grid (20 world units) may round the move: within half a grid step on screen.
  const slack = 10 * zoom + 1;
  assert.ok(Math.abs(after.x - before.x - 120) <= slack, `moved ${after.x - before.x} px across, not 120`);
  assert.ok(Math.abs(after.y - before.y - 45) <= slack, `moved ${after.y - before.y} px down, not 45`);
  await app.undo();
  assert.equal(await nodeTransform(first), at, 'one undo puts it back');
  assert.deepEqual(app.errors, []);
});

test('presenter mode hides the editing chrome and fits the pipeline larger', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  assert.ok(await app.testId('palette').isVisible());
  const scale = () => app.page.evaluate(() =>
    Number(/scale\(([\d.]+)\)/.exec(document.querySelector('svg.pipeline g.world').getAttribute('transform'))[1]));
  const before = await scale();
  await app.page.keyboard.press('p');
  await app.page.waitForFunction(() => document.documentElement.classList.contains('presenting'));
  // The canvas is wider without the palette and the side panel: the pipeline is drawn larger.
  await app.page.waitForFunction((b) => {
    const t = document.querySelector('svg.pipeline g.world').getAttribute('transform');
    return Number(/scale\(([\d.]+)\)/.exec(t)[1]) > b * 1.3;
  }, before);
  for (const id of ['palette', 'inspector', 'undo']) assert.equal(await app.testId(id).isVisible(), false, `${id} hidden`);
  assert.equal(await app.page.locator('svg.pipeline .port').first().isVisible(), false, 'no ports to wire');
  await app.viewportShot('editor-presenter');
  await app.page.keyboard.press('p');
});

test('a card panned off the canvas takes no part in a view, and catches up as it comes back', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.setSpeed(60);
  const ids = await app.nodeIds();
  const last = ids.at(-1);
  // Pan the rightmost card well past the canvas's right edge (a drag on the empty background).
  const box = await app.testId('pipeline').boundingBox();
  await app.page.mouse.move(box.x + 8, box.y + 8);
  await app.page.mouse.down();
  await app.page.mouse.move(box.x + box.width - 8, box.y + 8, { steps: 6 });
  await app.page.mouse.up();
  const card = await app.testId(`node-${last}`).boundingBox();
  assert.ok(card.x > box.x + box.width + 20, `the card is off the canvas: ${JSON.stringify(card)}`);
  // Count what changes in each card while a few seconds of the run go by.
  await app.page.evaluate((ids) => {
    window.__changes = Object.fromEntries(ids.map((id) => [id, 0]));
    window.__watch = ids.map((id) => {
      const observer = new MutationObserver((records) => { window.__changes[id] += records.length; });
      observer.observe(document.querySelector(`[data-testid="node-${id}"]`).parentElement, { subtree: true, childList: true, characterData: true, attributes: true });
      return observer;
    });
  }, ids);
  const from = await app.simMs();
  await app.waitForSimMsAbove(from + 30_000);
  const changes = await app.page.evaluate(() => window.__changes);
  assert.equal(changes[last], 0, `the card off the canvas changed: ${JSON.stringify(changes)}`);
  assert.ok(changes[ids[0]] > 0, `a card on the canvas follows the run: ${JSON.stringify(changes)}`);
  // Back in view, it shows the run's figures at the next view.
  await app.testId('fit-view').click();
  await app.page.waitForFunction((id) => window.__changes[id] > 0, last);
  await app.page.evaluate(() => window.__watch.forEach((o) => o.disconnect()));
  assert.deepEqual(app.errors, []);
});
