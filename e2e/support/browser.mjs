// Launches Debian's Chromium (apt package `chromium`) through playwright-core. Playwright's own
// browser download cannot work here, so its executablePath is always the system binary.
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
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
