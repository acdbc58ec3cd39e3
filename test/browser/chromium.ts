// Debian's Chromium, as every browser test launches it: headless, no sandbox (root in CI), and
// nothing that reaches the network on its own.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The installed Chromium, or undefined (the browser tests are skipped then; .ci/run installs it). */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
