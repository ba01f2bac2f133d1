// Builds the static files the api node serves into web/dist/:
//   dist/admin/index.html, app.js, app.css   the admin dashboard (GET /admin, /admin/...)
//   dist/socket.io/socket.io.js              socket.io-client's browser bundle, served at
//                                            /socket.io/socket.io.js as the Node server does
// Usage: npm run build   (node build.mjs)

import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = dirname(fileURLToPath(import.meta.url));
const distDir = join(webDir, 'dist');
const require = createRequire(import.meta.url);

await rm(distDir, { recursive: true, force: true });
await mkdir(join(distDir, 'admin'), { recursive: true });
await mkdir(join(distDir, 'socket.io'), { recursive: true });

await build({
  entryPoints: { app: join(webDir, 'src/admin/main.js') },
  outdir: join(distDir, 'admin'),
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});

await copyFile(join(webDir, 'src/admin/index.html'), join(distDir, 'admin/index.html'));

const socketIoDist = join(dirname(require.resolve('socket.io-client/package.json')), 'dist');
for (const name of ['socket.io.js', 'socket.io.js.map']) {
  await copyFile(join(socketIoDist, name), join(distDir, 'socket.io', name));
}

console.log(`built ${distDir}`);
