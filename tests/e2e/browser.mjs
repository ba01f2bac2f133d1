// Headless chromium for the browser tests: Debian's chromium driven by
// playwright-core (a test package: tests/e2e/node_modules), never a downloaded browser.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Where screenshots go (the repository's test-output/). */
export const OUTPUT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const { chromium } = createRequire(import.meta.url)('playwright-core');

/** Starts chromium headless with the flags this machine needs. */
export async function launchChromium() {
  assert.ok(existsSync(CHROMIUM), `no chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM`);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
