// The editor builds whole pipelines from an empty canvas, once with the mouse and once with
// the keyboard only; an illegal wire is refused with sim-core's reason; ten undos restore the
// empty canvas and ten redos rebuild it; a reload restores the document.
//
// The pipelines are producer -> stream -> Lambda (a Kinesis event source mapping) and
// producer -> Firehose -> S3, and, with the keyboard, producer -> SQS queue -> Lambda too.
// Kinds come from the palette, so the test follows sim-core's NodeKind::ALL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

/** The two chains the issue names, as palette kinds. */
const chains = [
  ['producer', 'kinesis_stream', 'lambda'],
  ['producer', 'firehose', 'destination'],
];

/** producer -> queue -> Lambda, built with the keyboard. */
const queueChain = [['producer', 'sqs_queue', 'lambda']];

async function startEmpty() {
  await app.goto();
  await app.waitReady();
  await app.testId('new-doc').click();
  await app.testId('empty-canvas').waitFor();
  assert.deepEqual(await app.nodeIds(), []);
}

test('build two pipelines with the mouse; undo and redo ten steps; a reload restores them', { timeout: 120_000 }, async () => {
  await startEmpty();
  // Zoom out so three cards fit side by side, then place them by thirds of the canvas.
  await app.page.getByRole('button', { name: 'Zoom out' }).click();
  await app.page.getByRole('button', { name: 'Zoom out' }).click();
  const canvas = await app.testId('pipeline').boundingBox();
  const built = [];
  let row = 0;
  for (const chain of chains) {
    const ids = [];
    for (const [column, kind] of chain.entries()) {
      ids.push(await app.dragFromPalette(kind, canvas.width * (0.15 + 0.34 * column), canvas.height * (0.25 + 0.45 * row)));
    }
    for (let i = 0; i + 1 < ids.length; i += 1) await app.dragWire(ids[i], ids[i + 1]);
    built.push(ids);
    row += 1;
  }
  const wires = built.flatMap((ids) => ids.slice(1).map((id, i) => `${ids[i]}-${id}`));
  assert.deepEqual((await app.wires()).sort(), wires.sort());
  assert.equal(await app.testId('doc-problems').count(), 0, 'the pipeline is complete');
  await app.play();
  await app.waitForStatAbove('total-produced', 0);
  await app.viewportShot('editor-mouse-1280x800');

  // Ten edits (six nodes, four wires): ten undos empty the canvas, ten redos rebuild it.
  const nodes = await app.nodeIds();
  assert.equal(nodes.length, 6);
  await app.undo(10);
  assert.deepEqual(await app.nodeIds(), []);
  await app.testId('empty-canvas').waitFor();
  await app.redo(10);
  assert.deepEqual(await app.nodeIds(), nodes);
  assert.deepEqual((await app.wires()).sort(), wires.sort());

  await app.page.reload();
  await app.waitReady();
  assert.deepEqual(await app.nodeIds(), nodes, 'the document survives a reload');
  assert.deepEqual((await app.wires()).sort(), wires.sort());
  assert.deepEqual(app.errors, []);
});

test('an illegal wire is refused with the reason sim-core gives', { timeout: 60_000 }, async () => {
  await startEmpty();
  const canvas = await app.testId('pipeline').boundingBox();
  const producer = await app.dragFromPalette('producer', canvas.width * 0.2, 120);
  const consumer = await app.dragFromPalette('consumer', canvas.width * 0.75, 120);
  await app.startWireDrag(producer, consumer);
  // While dragging, the illegal target says why.
  const why = app.testId(`why-not-${consumer}`);
  await why.waitFor();
  const lines = await why.locator('text').allTextContents();
  const reason = lines.join(' ').replace('✖', '').trim();
  assert.match(reason, /stream/, `a reason that names the missing stream: ${reason}`);
  await app.viewportShot('editor-illegal-wire');
  await app.page.mouse.up();
  assert.deepEqual(await app.wires(), []);
  const notice = await app.noticeText();
  // Named as the cards are, not by their ids.
  assert.match(notice, /Cannot wire Producer 1 → Polling consumer 1:/);
  assert.ok(notice.replace(/\s+/g, ' ').includes(reason.replace(/\s+/g, ' ')), `${notice} gives ${reason}`);
});

test('build two pipelines with the keyboard only', { timeout: 120_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.testId('new-doc').focus();
  await app.page.keyboard.press('Enter');
  await app.testId('empty-canvas').waitFor();
  const built = [];
  for (const chain of [...chains, ...queueChain]) {
    // Escape clears the selection, so the next chain starts on a free row.
    await app.testId('pipeline').focus();
    await app.page.keyboard.press('Escape');
    const ids = [];
    for (const kind of chain) ids.push(await app.addWithKeyboard(kind));
    built.push(ids);
  }
  // The first wire by Tab: Enter on the output port, Tab past the next card to its input port.
  const [[a, b]] = built;
  await app.testId(`out-${a}`).focus();
  await app.page.keyboard.press('Enter');
  await app.page.keyboard.press('Tab');
  await app.page.keyboard.press('Tab');
  assert.equal(await app.page.evaluate(() => document.activeElement.dataset.testid), `in-${b}`);
  await app.page.keyboard.press('Enter');
  await app.keyboardWire(built[0][1], built[0][2]);
  for (const ids of built.slice(1)) {
    for (let i = 0; i + 1 < ids.length; i += 1) await app.keyboardWire(ids[i], ids[i + 1]);
  }
  const wires = built.flatMap((ids) => ids.slice(1).map((id, i) => `${ids[i]}-${id}`));
  assert.deepEqual((await app.wires()).sort(), wires.sort());
  assert.equal(await app.testId('doc-problems').count(), 0);
  await app.waitForStatAbove('total-produced', 0);

  // Shift+1 fits the view; then screenshots at two sizes, for a person to look at, once the
  // run has a minute of figures.
  await app.setSpeed(10);
  await app.waitForSimMsAbove(60_000);
  await app.testId('pipeline').focus();
  await app.page.keyboard.press('Shift+Digit1');
  for (const [width, height] of [[1280, 720], [1920, 1080]]) {
    await app.page.setViewportSize({ width, height });
    await app.testId('fit-view').click();
    await app.testId(`node-${a}`).click();
    await app.page.waitForTimeout(400);
    await app.viewportShot(`editor-${width}x${height}`);
  }
  assert.deepEqual(app.errors, []);
});
