// Pause freezes the simulation: time and every number on the page (figures, counters, gauges,
// backlog bars, cost, card text) stay as they are, and the wires' particles stand still; play
// resumes them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

/** Every number the page shows: machine-readable read-outs and the visible text of the figures. */
async function everyNumber() {
  return app.page.evaluate(() => {
    const values = {};
    for (const el of document.querySelectorAll('[data-value], [data-ms], [data-fill], [data-particles]')) {
      const key = `${el.dataset.testid ?? el.className?.baseVal ?? el.className}#${Object.keys(values).length}`;
      values[key] = [el.dataset.value, el.dataset.ms, el.dataset.fill, el.dataset.particles].join('|');
    }
    for (const selector of ['[data-testid="pipeline"]', '.stats', '.ledger', '.cost-breakdown']) {
      values[selector] = document.querySelector(selector)?.textContent ?? '';
    }
    return values;
  });
}

test('pause freezes every number, play resumes', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForSimMsAbove(2_000);

  await app.pause();
  await sleep(500); // let the last read-out published before the pause reach the DOM
  const first = await everyNumber();
  assert.ok(Object.keys(first).length > 10, 'the page shows many numbers');
  assert.match(first['[data-testid="pipeline"]'], /rec\/s/);
  await sleep(1_500); // several publish intervals: a running sim would have moved on
  assert.deepEqual(await everyNumber(), first, 'nothing changes while paused');
  const simMs = await app.simMs();
  const produced = await app.stat('total-produced');
  const particlesStill = () => app.page.evaluate(() => {
    const svg = document.querySelector('[data-testid="pipeline"]');
    return [svg.animationsPaused(), svg.querySelectorAll('circle.particle').length];
  });
  const [still, particles] = await particlesStill();
  assert.ok(particles > 0, 'the wires carry particles');
  assert.equal(still, true, 'the particles stand still while paused');

  await app.play();
  await app.waitForSimMsAbove(simMs);
  await app.waitForStatAbove('total-produced', produced);
  assert.equal((await particlesStill())[0], false, 'and move again on play');
});
