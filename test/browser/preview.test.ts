/// <reference lib="dom" />
/**
 * The preview in a real browser: headless Debian Chromium (playwright-core) opens the page that
 * `npm start` serves, checks every sample, clicks Approve and saves a screenshot. Skipped, saying
 * so, where Chromium is not installed; CI installs it and sets HERALD_REQUIRE_BROWSER=1, so there
 * it cannot be skipped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { fingerprints, PICTURE_ENV, savedFingerprints, VIEWPORT } from '../../dev/screenshot-targets';
import { CHROMIUM, CHROMIUM_ARGS } from '../../testkit/browser';

const ROOT = join(__dirname, '..', '..');
const available = existsSync(CHROMIUM);
const required = process.env.HERALD_REQUIRE_BROWSER === '1';

if (!available && !required) {
  console.warn(`Browser test SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium fonts-nanum).`);
}

// Events only: `.aws.json` (recorded AWS answers) and `.state.json` (state table seeds) go with them;
// `events/releases/` holds whole releases, shown apart; `events/common/` answers every sample shares.
const sampleCount = readdirSync(join(ROOT, 'events'))
  .filter((source) => source !== 'releases' && source !== 'common')
  .reduce(
    (n, source) =>
      n +
      readdirSync(join(ROOT, 'events', source)).filter(
        (f) => f.endsWith('.json') && !f.endsWith('.aws.json') && !f.endsWith('.state.json'),
      ).length,
    0,
  );

(available || required ? describe : describe.skip)('the preview in Chromium', () => {
  let preview: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    preview = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['dev/preview.ts', '--port', '0'], {
      cwd: ROOT,
      env: { ...process.env, ...PICTURE_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`the preview did not start: ${output}`)), 60000);
      const read = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /Herald preview: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      preview.stdout?.on('data', read);
      preview.stderr?.on('data', read);
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url, { timeout: 60000 });
  }, 120000);

  afterAll(async () => {
    await browser?.close();
    preview?.kill();
  });

  it('serves the page on 127.0.0.1 with every sample event as a message or a reasoned silence', async () => {
    const cards = await page.$$eval('.card', (nodes) =>
      nodes.map((n) => {
        const el = n as HTMLElement;
        return {
          sample: el.dataset.sample,
          status: el.dataset.status,
          reason: el.dataset.silentReason,
          problems: el.dataset.problems,
        };
      }),
    );

    expect(url.startsWith('http://127.0.0.1:')).toBe(true);
    expect(cards).toHaveLength(sampleCount);
    for (const card of cards) {
      expect({ sample: card.sample, status: card.status }).toEqual({
        sample: card.sample,
        status: expect.stringMatching(/^(message|silent)$/),
      });
      if (card.status === 'silent')
        expect({ sample: card.sample, reason: card.reason }).toEqual({
          sample: card.sample,
          reason: expect.stringMatching(/\w/),
        });
      expect({ sample: card.sample, problems: card.problems }).toEqual({
        sample: card.sample,
        problems: '0',
      });
    }
  });

  it('counts what it shows so that the counts add up', async () => {
    const counts = await page.$eval('.counts', (n) => ({ ...(n as HTMLElement).dataset }));
    const shownMessages = await page.locator('.card .message').count();
    const silentCards = await page.locator('.card[data-status="silent"]').count();

    expect(Number(counts.samples)).toBe(sampleCount);
    expect(Number(counts.posted) + Number(counts.silent) + Number(counts.failed)).toBe(sampleCount);
    expect(Number(counts.messages)).toBe(shownMessages);
    expect(Number(counts.silent)).toBe(silentCards);
    expect(counts).toMatchObject({ failed: '0', broken: '0' });
  });

  it('shows each release as one card, updated in place, with its details in the thread', async () => {
    const releases = page.locator('section.release');

    await expect(releases.count()).resolves.toBe(5);
    for (const name of [
      'waiting for approval',
      'baking in prod',
      'happy path',
      'failed build',
      'failed prod deployment',
    ]) {
      const release = page.locator(`section.release[data-release="${name}"]`);
      await expect(release.getAttribute('data-channel-messages')).resolves.toBe('1');
      await expect(release.getAttribute('data-failures')).resolves.toBe('0');
      await expect(release.locator('.thread .reply').count()).resolves.toBeGreaterThan(0);
    }
    const happy = page.locator('section.release[data-release="happy path"]');
    await expect(happy.locator('.release-card .header').textContent()).resolves.toContain(
      'Released: herald-stage-pipeline',
    );
    await expect(happy.locator('.thread .reply[data-broadcast="true"]').count()).resolves.toBe(1);
    const failed = page.locator('section.release[data-release="failed build"]');
    await expect(failed.locator('.release-card .header').textContent()).resolves.toContain(
      'Release failed at Build',
    );
  });

  it('approves inside a release thread: the request says who approved, the card too', async () => {
    const release = page.locator('section.release[data-release="waiting for approval"]');
    const offering = release.locator('.thread .reply', {
      has: page.locator('button[data-action-id="herald-approve"]'),
    });
    // Found by its ts: once settled, it offers the button no more.
    const request = release.locator(`.thread .reply[data-ts="${await offering.getAttribute('data-ts')}"]`);
    await expect(release.locator('.release-card .header').textContent()).resolves.toContain(
      'Waiting for approval',
    );
    page.once('dialog', (dialog) => dialog.accept());
    await request.locator('input[data-action-id="herald-comment-input"]').fill('Stage looks good');

    await request.locator('button[data-action-id="herald-approve"]').click();

    await request.getByText('Approved', { exact: true }).waitFor({ timeout: 15000 });
    await expect(request.locator('button[data-action-id^="herald-"]').count()).resolves.toBe(0);
    await expect(release.locator('.release-card .message').textContent()).resolves.toMatch(
      /Approval — .*approved by Li Wei \(demo approver\) at \d\d:\d\d UTC: Stage looks good/,
    );
  });

  it('rolls back inside a release thread: the traffic shift and the card say who rolled back', async () => {
    const release = page.locator('section.release[data-release="baking in prod"]');
    const offering = release.locator('.thread .reply', {
      has: page.locator('button[data-action-id="herald-rollback"]'),
    });
    // Found by its ts: once settled, it offers the button no more.
    const shift = release.locator(`.thread .reply[data-ts="${await offering.getAttribute('data-ts')}"]`);
    await expect(
      release.locator('.release-card button[data-action-id="herald-rollback"]').count(),
    ).resolves.toBe(1);
    page.once('dialog', (dialog) => dialog.accept());

    await shift.locator('button[data-action-id="herald-rollback"]').click();

    await shift.getByText('Rolled back', { exact: true }).waitFor({ timeout: 15000 });
    await expect(shift.locator('button[data-action-id^="herald-"]').count()).resolves.toBe(0);
    await expect(release.locator('.release-card .message').textContent()).resolves.toMatch(
      /Deploy-prod — .*rolled back from Slack by Li Wei \(demo approver\)/,
    );
    await expect(
      release.locator('.release-card button[data-action-id="herald-rollback"]').count(),
    ).resolves.toBe(0);
  });

  it('shows the scheduled summary of folded ECS alerts, from a state table that holds some', async () => {
    const card = page.locator('.card[data-sample="events/ecs/schedule-folded.json"]');

    await expect(card.getAttribute('data-status')).resolves.toBe('message');
    await expect(card.locator('.message .header').textContent()).resolves.toContain(
      '37 more ECS alerts: shop-api-prod',
    );
  });

  it('shows Slack dates as Slack does, not their fallback text', async () => {
    const card = page.locator('.card[data-sample="events/codebuild/failed.json"]');

    await expect(card.locator('.date').first().textContent()).resolves.toBe('Nov 20, 2026 at 2:07 PM UTC');
  });

  it('approves the approval request with a click and shows the outcome in place of the buttons', async () => {
    const card = page.locator('.card[data-sample="events/approval/request.json"]');
    page.once('dialog', (dialog) => dialog.accept());
    await card.locator('input[data-action-id="herald-comment-input"]').fill('Checked on stage');

    await card.locator('button[data-action-id="herald-approve"]').click();

    await card.getByText('Approved', { exact: true }).waitFor({ timeout: 15000 });
    // The header carries the outcome: no "Approval needed" is left behind.
    await expect(card.locator('.message .header').first().textContent()).resolves.toMatch(
      /Approved: herald-stage-pipeline/,
    );
    await expect(card.locator('.message').textContent()).resolves.toMatch(
      /✔ Approved by @Li Wei \(demo approver\) at \d\d:\d\d UTC — Checked on stage/,
    );
    await expect(card.locator('button[data-action-id="herald-approve"]').count()).resolves.toBe(0);
  });

  it('rolls back the prod deployment in its bake window with a reason, and shows who did it', async () => {
    const card = page.locator('.card[data-sample="events/codedeploy/ready.json"]');
    await expect(card.locator('button[data-action-id="herald-finish"]').count()).resolves.toBe(1);
    page.once('dialog', (dialog) => dialog.accept());
    await card.locator('input[data-action-id="herald-reason-input"]').fill('5xx on /checkout');

    await card.locator('button[data-action-id="herald-rollback"]').click();

    await card.getByText('Rolled back', { exact: true }).waitFor({ timeout: 15000 });
    await expect(card.locator('.message .header').first().textContent()).resolves.toContain(
      'Rolling back: shop-api-prod in prod',
    );
    await expect(card.locator('.message').textContent()).resolves.toMatch(
      /Rolled back by @Li Wei \(demo approver\) at 16:40 UTC: 5xx on \/checkout/,
    );
    await expect(card.locator('button[data-action-id^="herald-"]').count()).resolves.toBe(0);
  });

  it('marks the crash of the new revision and answers its Roll back: already rolled back', async () => {
    const card = page.locator('.card[data-sample="events/ecs/task-crashed-in-bake.json"]');
    await expect(card.locator('.message').textContent()).resolves.toContain('New revision');
    page.once('dialog', (dialog) => dialog.accept());

    await card.locator('button[data-action-id="herald-rollback"]').click();

    await card.getByText(/already rolled back from Slack/).waitFor({ timeout: 15000 });
    // Only the clicker is answered: the alert stays as the channel sees it.
    await expect(card.locator('button[data-action-id="herald-rollback"]').count()).resolves.toBe(1);
  });

  it('saves a screenshot', async () => {
    mkdirSync(join(ROOT, 'build'), { recursive: true });
    const file = join(ROOT, 'build', 'preview.png');

    await page.screenshot({ path: file, fullPage: false });

    expect(existsSync(file)).toBe(true);
  });

  it('forgets every demo decision on reload: the buttons are back, and a second click is a first', async () => {
    await page.reload({ timeout: 60000 });

    const release = page.locator('section.release[data-release="waiting for approval"]');
    await expect(release.locator('button[data-action-id="herald-approve"]').count()).resolves.toBe(1);
    const crash = page.locator('.card[data-sample="events/ecs/task-crashed-in-bake.json"]');
    page.once('dialog', (dialog) => dialog.accept());
    await crash.locator('button[data-action-id="herald-rollback"]').click();
    // The sample's rollback clicked before the reload is forgotten: this click rolls back.
    await crash.getByText('Rolled back', { exact: true }).waitFor({ timeout: 15000 });
  });

  it("shows what the README's pictures show: docs/*.png are current (else npm run screenshot)", async () => {
    // A new load starts over: the pictures show the preview as it opens.
    const fresh = await browser.newPage({ viewport: VIEWPORT });
    try {
      await fresh.goto(url);
      const now = await fingerprints(fresh);

      expect({ pictures: now, refresh: 'npm run screenshot' }).toEqual({
        pictures: savedFingerprints(),
        refresh: 'npm run screenshot',
      });
    } finally {
      await fresh.close();
    }
  });
});
