// Export: the editor bar's Export opens a dialog that previews the pipeline as CloudFormation
// (highlighted), switches to Terraform, copies and downloads the same text it shows. The code that
// writes it is a module of its own, downloaded when Export first asks for it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('export previews, copies and downloads the pipeline as CloudFormation and Terraform', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.testId('export-open').click();
  const dialog = app.testId('export-dialog');
  await dialog.waitFor();
  const preview = app.testId('export-preview');
  await preview.waitFor();
  const yaml = await preview.textContent();
  assert.match(yaml, /^# Exported by Shardplay .* from scenario "Clickstream/);
  assert.match(yaml, /Type: "AWS::Kinesis::Stream"/);
  assert.match(yaml, /ShardCount: 2/);
  // Highlighted: keys, strings and comments are coloured spans.
  assert.ok((await preview.locator('.hl-key').count()) > 5);
  assert.ok((await preview.locator('.hl-comment').count()) > 0);
  await app.screenshot('export-cloudformation');

  await app.testId('export-format-terraform').check();
  await app.page.waitForFunction(() =>
    document.querySelector('[data-testid="export-preview"]')?.textContent.includes('resource "aws_kinesis_stream"'));
  const tf = await preview.textContent();
  assert.match(tf, /source {2}= "hashicorp\/aws"/);

  const file = await app.download('export-download', dialog);
  assert.match(file.name, /^clickstream.*\.tf$/);
  assert.equal(await readFile(file.path, 'utf8'), tf, 'the download is what the preview shows');

  await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url).origin });
  await app.testId('export-copy').click();
  await app.page.waitForFunction(async (want) => (await navigator.clipboard.readText()) === want, tf);

  await dialog.getByRole('button', { name: 'Close the export' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.deepEqual(app.errors, []);
});

test('the export module is downloaded when Export first asks for it, and once', { timeout: 60_000 }, async () => {
  await app.goto();
  const from = app.requests.length;
  await app.waitReady();
  await app.waitForSimMsAbove(1000);
  const module = () => app.requests.slice(from).filter((url) => /\/infra-[0-9a-f]{16}_bg\.wasm$/.test(url));
  assert.deepEqual(module(), [], 'the first frames do not wait for the export module');

  await app.testId('export-open').click();
  await app.testId('export-preview').waitFor();
  assert.match(await app.testId('export-preview').textContent(), /Type: "AWS::Kinesis::Stream"/);
  assert.equal(module().length, 1, 'opening Export downloads the module');
  await app.testId('export-format-terraform').check();
  await app.page.waitForFunction(() =>
    document.querySelector('[data-testid="export-preview"]')?.textContent.includes('resource "aws_kinesis_stream"'));
  await app.testId('export-dialog').getByRole('button', { name: 'Close the export' }).click();
  await app.testId('export-open').click();
  await app.testId('export-preview').waitFor();
  assert.equal(module().length, 1, 'the module is downloaded once, not per use');
  assert.deepEqual(app.errors, []);
});

test('an exported template opens back as the same pipeline, readers and producer included', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  const before = (await app.nodeIds()).sort();
  await app.testId('export-open').click();
  const dialog = app.testId('export-dialog');
  const preview = app.testId('export-preview');
  await preview.waitFor();
  const yaml = await preview.textContent();
  assert.match(yaml, /Metadata:\n {2}Shardplay:\n {4}Scenario: /, 'the export keeps its scenario');
  await dialog.getByRole('button', { name: 'Close the export' }).click();
  await dialog.waitFor({ state: 'hidden' });

  await app.testId('open-file').setInputFiles({ name: 'clickstream.yaml', mimeType: 'application/x-yaml', buffer: Buffer.from(yaml) });
  await app.page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent.includes('clickstream.yaml'));
  const notice = await app.noticeText();
  assert.match(notice, /Imported clickstream\.yaml as 3 nodes\. It is a Shardplay export, and nothing the simulation reads has changed since: the scenario comes back whole/);
  assert.doesNotMatch(notice, /Assumed:/, 'nothing is assumed: the polling reader and the producer come back');
  assert.deepEqual((await app.nodeIds()).sort(), before);
  assert.deepEqual(app.errors, []);
});
