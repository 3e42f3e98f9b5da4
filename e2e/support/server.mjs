// A tiny static file server for the e2e tests: serves one directory (default: the trunk build
// in ../../dist, or $SHARDPLAY_DIST when set) on 127.0.0.1 at a free port, both at `/` and under a sub-path (default
// `/shardplay/`), so the tests can check that the build works from any path.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_ROOT =
  process.env.SHARDPLAY_DIST ?? fileURLToPath(new URL('../../dist/', import.meta.url));

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm', // required by WebAssembly.instantiateStreaming
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Starts the server. Resolves to
 *   { url, subPathUrl, served, close }
 * where `url` is the site root (`http://127.0.0.1:<port>/`), `subPathUrl` the same site under
 * `subPath`, `served` the path of every GET it answered so far (what the browser did not take
 * from a cache), and `close()` stops the server.
 */
export async function startServer({ root = DEFAULT_ROOT, subPath = '/shardplay/' } = {}) {
  root = resolve(root);
  if (!subPath.startsWith('/') || !subPath.endsWith('/')) {
    throw new Error(`subPath must start and end with '/': ${subPath}`);
  }

  const served = [];
  const server = createServer(async (req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');

    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request');
    }
    if (path === subPath.slice(0, -1)) {
      // `/shardplay` -> `/shardplay/`, as static hosts do, so relative URLs resolve below it.
      res.writeHead(301, { location: subPath });
      return res.end();
    }
    if (req.method === 'GET') served.push(path);
    if (path.startsWith(subPath)) path = path.slice(subPath.length - 1);
    if (path.endsWith('/')) path += 'index.html';

    const file = resolve(root, `.${path}`);
    if (!file.startsWith(root + sep)) return send(404, 'not found');
    try {
      const body = await readFile(file);
      send(200, body, MIME_TYPES[extname(file)] ?? 'application/octet-stream');
    } catch {
      send(404, 'not found');
    }
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  return {
    url,
    subPathUrl: new URL(subPath.slice(1), url).href,
    served,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
