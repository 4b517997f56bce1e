/**
 * `npm run screenshot`: regenerates the README's pictures, docs/release-card.png (a release card
 * and its thread) and docs/preview.png (the approval request and a failed build), with Debian's
 * Chromium driven by playwright-core, and their fingerprints (docs/screenshots.json), which the
 * browser test checks so a stale picture fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../testkit/browser';
import { startPreview } from './preview';
import {
  DOCS,
  FINGERPRINTS,
  fingerprints,
  PICTURE_ENV,
  RELEASE,
  showPreview,
  showRelease,
  VIEWPORT,
} from './screenshot-targets';

async function main(): Promise<void> {
  Object.assign(process.env, PICTURE_ENV);
  const { url, server, rig } = await startPreview(0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const measured = await browser.newPage({ viewport: VIEWPORT });
    await measured.goto(url);
    const saved = await fingerprints(measured);
    await measured.close();

    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.goto(url);
    mkdirSync(DOCS, { recursive: true });
    await showRelease(page);
    const release = join(DOCS, 'release-card.png');
    await page.locator(RELEASE).screenshot({ path: release });
    console.log(`Saved ${release}`);

    await showPreview(page);
    const preview = join(DOCS, 'preview.png');
    await page.screenshot({ path: preview, fullPage: true });
    console.log(`Saved ${preview}`);

    writeFileSync(FINGERPRINTS, `${JSON.stringify(saved, null, 2)}\n`);
    console.log(`Saved ${FINGERPRINTS}`);
  } finally {
    await browser.close();
    server.close();
    await rig.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
