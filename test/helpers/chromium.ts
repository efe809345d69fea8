/**
 * Headless Chromium for the browser tests: Debian's `chromium` (scripts/toolchain.sh all
 * installs it), driven by playwright-core, which never downloads a browser of its own.
 * The flags keep it off the network: on a machine without one, its background
 * services (component updates, sync, QUIC probes) would fill the log with errors.
 */
import { type Browser, chromium } from 'playwright-core';
import { findOnPath } from '../../src/target/toolchain.js';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  const executablePath = findOnPath('chromium');
  if (!executablePath) throw new Error('chromium is not on PATH: install the Debian package chromium (scripts/toolchain.sh all does)');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
