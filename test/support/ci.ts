import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** Headless Debian Chromium on a machine without a network beyond loopback (STACK.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Browser tests run wherever Debian's Chromium is installed; CI installs it and must run them,
 * so there a missing browser fails the run instead of skipping it.
 */
export function skipBrowserTests(): boolean {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI) throw new Error(`CI is set but ${CHROMIUM} is missing: apt-get install -y chromium`);
  return true;
}
