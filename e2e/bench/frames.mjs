// What the benchmarks measure in a page: requestAnimationFrame intervals (everything the app does
// on the main thread shows up as longer intervals; 60 fps is 16.7 ms) and their percentiles.

/** The intervals between animation frames over `seconds` of the page at `page`, in ms. */
export function frameIntervals(page, seconds) {
  return page.evaluate(
    (seconds) =>
      new Promise((resolve) => {
        const out = [];
        let last = performance.now();
        const end = last + seconds * 1000;
        const frame = (now) => {
          out.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(frame);
          else resolve(out);
        };
        requestAnimationFrame(frame);
      }),
    seconds,
  );
}

/** The `p` quantile (0 to 1) of `values`, the nearest rank. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * p)];
}

/** Records animation-frame intervals in the page until `stopFrames`; the page keeps them. */
export function startFrames(page) {
  return page.evaluate(() => {
    const frames = [];
    let last = performance.now();
    window.__benchFrames = { frames, stop: false };
    const frame = (now) => {
      frames.push(now - last);
      last = now;
      if (!window.__benchFrames.stop) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

/** The intervals `startFrames` recorded, in ms; recording stops. */
export function stopFrames(page) {
  return page.evaluate(() => {
    window.__benchFrames.stop = true;
    return window.__benchFrames.frames;
  });
}

/** Intervals in words: p95, max and how many. */
export function frameSummary(intervals) {
  return `frames p95 ${percentile(intervals, 0.95).toFixed(1)} ms, max ${Math.max(...intervals).toFixed(1)} ms (${intervals.length} frames)`;
}

/**
 * Seconds of a "jump to" `text` (`targetMs` of simulated time) on `page`, timed in the page as a
 * person sees it: from the click's dispatch on Go to the clock showing the destination. Timed in
 * node, around Playwright's click and wait, each jump counted 0.1 to 0.25 s of their round trips
 * too, most of a short jump's figure.
 */
export async function timedJump(page, text, targetMs) {
  await page.locator('[data-testid="jump-input"]').fill(text);
  await page.evaluate((targetMs) => {
    const clock = document.querySelector('[data-testid="sim-clock"]');
    window.__benchJump = new Promise((resolve) => {
      let start;
      document
        .querySelector('[data-testid="jump-go"]')
        .addEventListener('click', () => (start = performance.now()), { capture: true, once: true });
      new MutationObserver((_, observer) => {
        if (start !== undefined && Number(clock.dataset.ms) === targetMs) {
          observer.disconnect();
          resolve((performance.now() - start) / 1000);
        }
      }).observe(clock, { attributes: true, attributeFilter: ['data-ms'] });
    });
  }, targetMs);
  await page.locator('[data-testid="jump-go"]').click();
  await page.locator(`[data-testid="sim-clock"][data-ms="${targetMs}"]`).waitFor({ timeout: 900_000 });
  return page.evaluate(() => window.__benchJump);
}
