import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { ASSETS } from './layout.js';
import { DASHBOARD_CSS } from './styles.js';

const require = createRequire(import.meta.url);

/** A file served under `ASSETS`: where it is read from and its content type. */
interface Asset {
  path: string;
  type: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * The files the pages load, all from relaypool itself (no CDN; the dashboard works offline): the
 * client script (next to this module, in src/ under tsx and in dist/ after the build) and uPlot
 * from node_modules.
 */
const FILES: Record<string, Asset> = {
  'dashboard.js': { path: fileURLToPath(new URL('./client/dashboard.js', import.meta.url)), type: JS },
  'uPlot.esm.js': { path: require.resolve('uplot/dist/uPlot.esm.js'), type: JS },
  'uPlot.min.css': { path: require.resolve('uplot/dist/uPlot.min.css'), type: CSS },
};

/** `GET /dashboard/assets/:name`: public static files (no pool data in them), read once. */
export function assetRoutes(): Hono {
  const app = new Hono();
  const cache = new Map<string, Promise<string>>();
  const headers = (type: string) => ({
    'content-type': type,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  app.get(`${ASSETS}/dashboard.css`, (c) => c.body(DASHBOARD_CSS, 200, headers(CSS)));
  app.get(`${ASSETS}/:name`, async (c) => {
    const name = c.req.param('name');
    const asset = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (asset === undefined) return c.text('no such file', 404);
    let text = cache.get(name);
    if (text === undefined) {
      text = readFile(asset.path, 'utf8');
      cache.set(name, text);
    }
    return c.body(await text, 200, headers(asset.type));
  });
  return app;
}
