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
