// The inspector edits any node's parameters with sim-core's ranges: an out-of-range value is
// flagged with the allowed range and never applied; a good one applies (live when the engine
// can absorb it) as one undo step. Files: Save writes the document, Open refuses malformed
// and newer-version files with a clear message and reads a CloudFormation template.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('an out-of-range value is flagged with its range; a good one applies live, and Reset returns to the scenario', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.testId('node-events').click({ position: { x: 60, y: 30 } });
  const shards = app.testId('param-capacity-shards');
  await shards.waitFor();
  assert.equal(await shards.inputValue(), '2');
  assert.match(await app.testId('inspector').textContent(), /allowed 1 to 10,000 shards · default 2/);

  await shards.fill('20000');
  await shards.press('Enter');
  const error = app.testId('param-capacity-shards-error');
  await error.waitFor();
  assert.match(await error.textContent(), /20,000 is out of range; allowed 1 to 10,000 shards/);
  assert.equal(await app.page.getAttribute('[data-testid="undo"]', 'disabled'), '', 'nothing was applied');

  // While the run is live a good count is UpdateShardCount on the running stream, not an edit
  // of the scenario: nothing to undo, and Reset starts again from the scenario's 2 shards.
  await shards.fill('4');
  await shards.press('Enter');
  await app.waitForEvent('UpdateShardCount: 2 → 4');
  await app.page.waitForFunction(() => document.querySelector('[data-testid="shards-1"]')?.textContent.trim() === '4');
  assert.equal(await app.testId('param-capacity-shards-error').count(), 0);
  assert.equal(await app.page.getAttribute('[data-testid="undo"]', 'disabled'), '', 'the scenario is unchanged');
  await app.reset();
  await app.page.waitForFunction(() => document.querySelector('[data-testid="shards-1"]')?.textContent.trim() === '2'
    && document.querySelector('[data-testid="param-capacity-shards"]')?.value === '2');

  // Retention cannot change under a running stream: the run restarts from zero and says so.
  await app.waitForSimMsAbove(3_000);
  const retention = app.testId('param-retention_h');
  await retention.fill('48');
  await retention.press('Enter');
  await app.page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent.includes('restarted from zero'));
  // The clock goes back to zero (once the restarted run's first view arrives).
  await app.waitForSimMsBelow(3_000);

  // A rate applies live: the clock keeps going and "Try it" shows the new rate.
  await app.waitForSimMsAbove(2_000);
  await app.testId('node-clicks').click({ position: { x: 60, y: 30 } });
  const rate = app.testId('param-records_per_s');
  await rate.fill('900');
  await rate.press('Enter');
  await app.page.waitForFunction(() => document.querySelector('[data-testid="goto-rate-0"]')?.textContent.includes('900 '));
  assert.ok((await app.simMs()) >= 2_000, 'the run went on');
  assert.deepEqual(app.errors, []);
});

test('Save writes the document; Open refuses malformed, newer and huge files clearly', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  const [download] = await Promise.all([app.page.waitForEvent('download'), app.testId('save-file').click()]);
  const saved = JSON.parse(await readFile(await download.path(), 'utf8'));
  assert.equal(saved.v, 1);
  assert.deepEqual(saved.nodes.map((n) => n.id), await app.nodeIds());

  const open = app.testId('open-file');
  await open.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{ not json') });
  await app.page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent.includes('broken.json'));
  assert.match(await app.noticeText(), /broken\.json could not be opened: not valid JSON/);

  const newer = { ...saved, v: 99 };
  await open.setInputFiles({ name: 'newer.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(newer)) });
  await app.page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent.includes('newer.json'));
  assert.match(await app.noticeText(), /newer\.json could not be opened: v: schema version 99 is newer than this build understands/);

  // Far over either reader's limit (a 1 MiB scenario, a 1 MB template): refused by its size,
  // before it is read, and the pipeline on screen stays.
  const before = await app.nodeIds();
  const huge = Buffer.alloc(17 * 1024 * 1024, ' ');
  await open.setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: huge });
  await app.page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent.includes('huge.json'));
  assert.match(await app.noticeText(), /huge\.json could not be opened: it is 17\.0 MiB, and Shardplay opens scenario files of at most 1\.0 MiB and CloudFormation templates of at most 1,000,000 bytes/);
  assert.deepEqual(await app.nodeIds(), before);

  const renamed = { ...saved, name: 'From a file' };
  await open.setInputFiles({ name: 'ok.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(renamed)) });
  await app.page.locator('[data-testid="scenario-name"]', { hasText: 'From a file' }).waitFor();
  assert.match(await app.noticeText(), /Opened ok\.json/);
});

test('Open reads a CloudFormation template as the pipeline it describes', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  const template = [
    'Resources:',
    '  Jobs:',
    '    Type: AWS::SQS::Queue',
    '    Properties:',
    '      QueueName: jobs',
    '      VisibilityTimeout: 60',
    '  Worker:',
    '    Type: AWS::Lambda::Function',
    '    Properties:',
    '      FunctionName: worker',
    '  Mapping:',
    '    Type: AWS::Lambda::EventSourceMapping',
    '    Properties:',
    '      EventSourceArn: !GetAtt Jobs.Arn',
    '      FunctionName: !Ref Worker',
    '  WorkerRole:',
    '    Type: AWS::IAM::Role',
    '',
  ].join('\n');
  const open = app.testId('open-file');
  await open.setInputFiles({ name: 'stack.yaml', mimeType: 'application/x-yaml', buffer: Buffer.from(template) });
  await app.page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent.includes('stack.yaml'));
  const notice = await app.noticeText();
  assert.match(notice, /Imported stack\.yaml as 3 nodes\./);
  assert.match(notice, /Assumed: .*traffic/);
  assert.match(notice, /Not simulated: WorkerRole \(AWS::IAM::Role\)/);
  assert.deepEqual((await app.nodeIds()).sort(), ['jobs', 'jobs-producer', 'worker']);
  // The import is one undoable edit, like opening a file.
  await app.undo();
  await app.page.waitForFunction(() => !document.querySelector('[data-testid="node-worker"]'));

  await open.setInputFiles({ name: 'bomb.yaml', mimeType: 'application/x-yaml', buffer: Buffer.from('a: &a [x]\nb: *a\n') });
  await app.page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent.includes('bomb.yaml'));
  assert.match(await app.noticeText(), /bomb\.yaml could not be imported: .*anchors or aliases/);
  assert.deepEqual(app.errors, []);
});

test('opening a gallery scenario is one undo step', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  const before = await app.scenarioName();
  await app.testId('gallery-open').click();
  await app.testId('gallery-on-demand-tripling').click();
  await app.page.locator('[data-testid="scenario-name"]', { hasText: 'On-demand when traffic triples' }).waitFor();
  await app.undo();
  await app.page.locator('[data-testid="scenario-name"]', { hasText: before }).waitFor();
  await app.redo();
  await app.page.locator('[data-testid="scenario-name"]', { hasText: 'On-demand when traffic triples' }).waitFor();
});
