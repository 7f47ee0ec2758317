import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Browser tests run wherever Debian's Chromium is installed; CI installs it and must run them,
 * so there a missing browser fails the run instead of skipping it.
 */
export function skipBrowserTests(): boolean {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI) throw new Error(`CI is set but ${CHROMIUM} is missing: apt-get install -y chromium`);
  return true;
}
