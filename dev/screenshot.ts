/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * `npm run screenshot`: regenerates docs/preview.png, the README's picture of the preview (the
 * approval request and a failed build), with Debian's Chromium driven by playwright-core.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../testkit/browser';
import { startPreview } from './preview';

async function main(): Promise<void> {
  const { url, server, rig } = await startPreview(0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    mkdirSync(join(__dirname, '..', 'docs'), { recursive: true });
    // A release in app mode: its card and its thread (the sticky top bar would cover its top).
    await page.addStyleTag({ content: 'header.top { position: static; }' });
    const release = join(__dirname, '..', 'docs', 'release-card.png');
    await page.locator('section.release[data-release="happy path"]').screenshot({ path: release });
    console.log(`Saved ${release}`);
    await page.evaluate(() => {
      for (const section of document.querySelectorAll<HTMLElement>('section.release, #releases'))
        section.remove();
      // Only the two cards the README talks about, one under the other.
      const keep = ['events/approval/request.json', 'events/codebuild/failed.json'];
      for (const card of document.querySelectorAll<HTMLElement>('.card')) {
        if (!keep.includes(card.dataset.sample ?? '')) card.remove();
      }
      for (const h of document.querySelectorAll<HTMLElement>('main h2')) {
        if (!h.nextElementSibling?.classList.contains('card')) h.remove();
      }
    });
    const file = join(__dirname, '..', 'docs', 'preview.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`Saved ${file}`);
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
