/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * What the README's pictures show, and a fingerprint of it: `npm run screenshot` saves the pictures
 * and the fingerprints (docs/screenshots.json); the browser test computes the fingerprints again
 * and fails, naming the picture, when what it shows has changed since.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** The preview's environment for the pictures, wherever they are taken (the region is in every link). */
export const PICTURE_ENV = { HERALD_STAGE: 'local', AWS_REGION: 'eu-west-1' } as const;

export const DOCS = join(__dirname, '..', 'docs');
export const FINGERPRINTS = join(DOCS, 'screenshots.json');

/** The picture files, in the order they are taken. */
export type Picture = 'release-card.png' | 'preview.png';
export type Fingerprints = Record<Picture, string>;

/** Slack message timestamps count up with every page load: they are not what a picture shows. */
const hash = (parts: string[]) =>
  createHash('sha256')
    .update(parts.join('\n').replace(/\d{10}\.\d{6}/g, 'ts'))
    .digest('hex')
    .slice(0, 16);

/** The page's styles: a change to them changes every picture. */
const styles = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll('style')].map((s) => s.textContent ?? '').join('\n'));

/** A happy-path release in app mode: its card and its thread. */
export const RELEASE = 'section.release[data-release="happy path"]';

export async function showRelease(page: Page): Promise<string> {
  // The sticky top bar would cover the section's top.
  await page.addStyleTag({ content: 'header.top { position: static; }' });
  return hash([await styles(page), await page.locator(RELEASE).evaluate((e) => e.outerHTML)]);
}

/** Only the two cards the README talks about, one under the other. */
export async function showPreview(page: Page): Promise<string> {
  await page.evaluate(() => {
    for (const section of document.querySelectorAll<HTMLElement>('section.release, #releases'))
      section.remove();
    const keep = ['events/approval/request.json', 'events/codebuild/failed.json'];
    for (const card of document.querySelectorAll<HTMLElement>('.card')) {
      if (!keep.includes(card.dataset.sample ?? '')) card.remove();
    }
    for (const h of document.querySelectorAll<HTMLElement>('main h2')) {
      if (!h.nextElementSibling?.classList.contains('card')) h.remove();
    }
  });
  return hash([await styles(page), await page.evaluate(() => document.body.outerHTML)]);
}

/** The pictures' fingerprints, taken on a page of their own (freshly loaded), as the test takes them. */
export async function fingerprints(page: Page): Promise<Fingerprints> {
  return { 'release-card.png': await showRelease(page), 'preview.png': await showPreview(page) };
}

export const VIEWPORT = { width: 1280, height: 900 };

export function savedFingerprints(): Partial<Fingerprints> {
  try {
    return JSON.parse(readFileSync(FINGERPRINTS, 'utf8')) as Partial<Fingerprints>;
  } catch {
    return {};
  }
}
