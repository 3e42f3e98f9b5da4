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
