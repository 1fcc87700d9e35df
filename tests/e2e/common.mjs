// What the browser scripts (review.mjs, a11y.mjs) share: their settings from the
// environment or KEY=VALUE arguments, and one way to start Debian's chromium headless.

import { chromium } from 'playwright-core';

for (const arg of process.argv.slice(2)) {
  const eq = arg.indexOf('=');
  if (eq > 0) process.env[arg.slice(0, eq)] = arg.slice(eq + 1);
}

/// The setting `name`; a script without it stops with exit code 2.
export function need(script, name) {
  const v = process.env[name];
  if (v === undefined || v === '') {
    console.error(`${script}: ${name} is not set (see the header of this file)`);
    process.exit(2);
  }
  return v;
}

/// Headless chromium (CHROMIUM, default /usr/bin/chromium) with a fresh, temporary
/// user-data-dir, and without the background connections this closed network refuses.
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-proxy-server',
    ],
  });
}
