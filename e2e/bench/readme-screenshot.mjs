// Takes the README's picture (docs/screenshot.png): the default scenario at 10x after about half
// a simulated minute, paused, its stream selected with its charts below, on a 1280-wide laptop
// screen. After `./x build`:
//   node e2e/bench/readme-screenshot.mjs [out.png]
import { openApp } from '../tests/fixtures/app_page.mjs';

const out = process.argv[2] ?? new URL('../../docs/screenshot.png', import.meta.url).pathname;
const { app, close } = await openApp({ viewport: { width: 1280, height: 900 } });
try {
  await app.goto();
  await app.waitReady();
  await app.testId('speed').selectOption('10');
  await app.testId('node-events').click({ position: { x: 60, y: 30 } });
  await app.waitForSimMsAbove(35_000);
  await app.pause();
  // The pointer off the canvas, so no hover state is in the picture.
  await app.page.mouse.move(0, 0);
  await app.page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await close();
}
