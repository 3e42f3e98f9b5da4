// Launches Debian's Chromium (apt package `chromium`) through playwright-core. Playwright's own
// browser download cannot work here, so its executablePath is always the system binary.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Headless, and never talking to the internet on its own (update checks, sync, QUIC probes).
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A new browser; each launch gets a fresh temporary profile, removed again on close(). */
export async function launchBrowser() {
  // Said at once: without the binary a test run otherwise waits out every test's timeout.
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: run ./x e2e (it installs the apt package chromium), or set CHROMIUM to its path`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
