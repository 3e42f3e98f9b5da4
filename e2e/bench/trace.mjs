// A Chrome trace of the page's main thread while `during` runs: the bench scripts that ask where
// the page's time goes (page-cost.mjs, long-frames.mjs) record it the same way.

/**
 * The complete ('X') trace events of `page`'s main thread (the renderer thread named
 * CrRendererMain) recorded while `during()` runs, and how many messages it handled.
 */
export async function traceMainThread(context, page, during) {
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  await during();
  await cdp.send('Tracing.end');
  await complete;
  const threadName = new Map();
  for (const e of events) if (e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  const main = events.filter((e) => threadName.get(`${e.pid}:${e.tid}`) === 'CrRendererMain' && e.ph === 'X');
  return { main, messages: main.filter((e) => e.name === 'HandlePostMessage').length };
}
