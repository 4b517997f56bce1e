/**
 * The preview page: every sample event next to the message Herald makes of it, grouped by source,
 * with the raw Block Kit and the event one click away and Slack's limits checked per message.
 */

import type { SampleResult } from '../../testkit/samples';
import type { ReleaseView } from '../release-preview';
import { html, type People, renderMessage } from './blockkit-html';

const STYLE = `
body { font: 15px/1.46 -apple-system, 'Segoe UI', Roboto, 'Nanum Gothic', sans-serif; margin: 0; background: #f4f4f5; color: #1d1c1d; }
header.top { background: #3f0e40; color: #fff; padding: 14px 24px; position: sticky; top: 0; z-index: 2; }
header.top h1 { margin: 0; font-size: 18px; } header.top p { margin: 4px 0 0; opacity: .8; font-size: 13px; }
nav { margin-top: 6px; font-size: 13px; } nav a { color: #fff; margin-right: 12px; }
main { padding: 16px 24px; max-width: 1400px; }
h2 { margin: 28px 0 8px; font-size: 17px; text-transform: uppercase; letter-spacing: .04em; color: #616061; }
.card { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 16px; background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 14px 16px; margin: 10px 0; }
.card h3 { grid-column: 1 / -1; margin: 0; font: 600 13px/1.4 ui-monospace, Menlo, monospace; color: #616061; }
.status { font-size: 12px; border-radius: 10px; padding: 1px 8px; margin-left: 8px; }
.ok { background: #e3f3e8; color: #1d7a3a; } .bad { background: #fde3e3; color: #b3261e; } .quiet { background: #eee; color: #555; }
.message { border-left: 4px solid #ddd; padding: 4px 0 4px 12px; }
.header { font-weight: 800; font-size: 17px; margin: 4px 0 6px; }
.section { margin: 6px 0; } .text { white-space: normal; word-break: break-word; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; margin-top: 4px; } .field { word-break: break-word; }
.context { color: #616061; font-size: 12.5px; margin: 6px 0; } .date { border-bottom: 1px dotted #999; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.button { font: 600 13.5px/1 inherit; padding: 7px 12px; border: 1px solid #bbb; border-radius: 4px; background: #fff; color: #1d1c1d; text-decoration: none; cursor: pointer; }
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; } .button.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.input { display: block; margin: 8px 0; font-weight: 600; font-size: 13.5px; } .input input { display: block; width: 100%; max-width: 480px; margin-top: 4px; padding: 6px 8px; border: 1px solid #bbb; border-radius: 4px; font: inherit; }
code { font: 12px ui-monospace, Menlo, monospace; background: #f6f6f6; border: 1px solid #e1e1e1; border-radius: 3px; padding: 0 3px; color: #c01343; }
pre { font: 12px/1.5 ui-monospace, Menlo, monospace; background: #f8f8f8; border: 1px solid #e1e1e1; border-radius: 4px; padding: 8px; white-space: pre-wrap; word-break: break-all; margin: 4px 0; }
a { color: #1264a3; } .mention { background: #fff3c2; color: #1264a3; border-radius: 3px; padding: 0 2px; }
details { margin: 4px 0; font-size: 13px; } details pre { max-height: 420px; overflow: auto; }
.silent { color: #616061; font-style: italic; } .problems { color: #b3261e; font-size: 13px; }
.ephemeral { margin-top: 8px; padding: 8px 10px; background: #f8f8f8; border: 1px dashed #aaa; border-radius: 4px; font-size: 13.5px; }
.ephemeral:empty { display: none; } .warnings { color: #8a5a00; font-size: 12.5px; }
.release { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 14px 16px; margin: 10px 0; }
.release h3 { margin: 0 0 8px; font: 600 13px/1.4 ui-monospace, Menlo, monospace; color: #616061; }
.thread { margin: 10px 0 0 24px; border-left: 2px solid #e8e8e8; padding-left: 12px; } .thread-title { font-size: 12px; color: #616061; font-weight: 700; }
.reply { margin: 8px 0; } .broadcast { font-size: 12px; color: #616061; } .versions li { margin: 8px 0; }
`;

const SCRIPT = `
document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action-id]');
  if (!button) return;
  // A sample's message, or a reply in a release's thread (the card updates too).
  const card = button.closest('.card, .reply');
  if (!card) return;
  if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
  const input = card.querySelector('input[data-action-id]');
  const release = card.closest('.release');
  const where = card.classList.contains('reply')
    ? { release: release.dataset.release, ts: card.dataset.ts }
    : { sample: card.dataset.sample };
  const answer = await fetch('/click', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...where, actionId: button.dataset.actionId, value: button.dataset.value, comment: input ? input.value : '' }),
  }).then((r) => r.json());
  if (answer.html) card.querySelector('.message').outerHTML = answer.html;
  if (answer.cardHtml && release) release.querySelector('.release-card .message').outerHTML = answer.cardHtml;
  card.querySelector('.ephemeral').textContent = answer.ephemeral || (answer.html ? '' : answer.outcome || '');
  card.dataset.outcome = answer.outcome || '';
});
`;

function card(result: SampleResult, people: People): string {
  const { sample } = result;
  const problems = result.problems.flat();
  let status: string;
  let body: string;
  if (result.error) {
    status = '<span class="status bad">handler failed</span>';
    body = `<div class="problems">${html(result.error)}</div>`;
  } else if (result.messages.length === 0) {
    status = '<span class="status quiet">silent</span>';
    body = `<div class="silent">No message, on purpose: ${html(result.silentReason ?? 'nothing was posted')}</div>`;
  } else {
    status =
      problems.length === 0
        ? '<span class="status ok">within Slack limits</span>'
        : '<span class="status bad">breaks Slack limits</span>';
    body = result.messages.map((message) => renderMessage(message, people)).join('');
  }
  const json = result.messages.map((m) => JSON.stringify(m, null, 2)).join('\n\n');
  return `<section class="card" id="${html(sample.file)}" data-sample="${html(sample.file)}" data-source="${html(sample.source)}" data-status="${result.error ? 'error' : result.messages.length > 0 ? 'message' : 'silent'}" data-problems="${problems.length}" data-silent-reason="${html(result.silentReason ?? '')}">
  <h3>${html(sample.file)}${status}</h3>
  <div>${body}<div class="ephemeral"></div>
    ${problems.length ? `<ul class="problems">${problems.map((p) => `<li>${html(p)}</li>`).join('')}</ul>` : ''}
    ${result.warnings.length ? `<div class="warnings">${result.warnings.map(html).join('<br>')}</div>` : ''}
  </div>
  <div>
    <details><summary>Event</summary><pre>${html(JSON.stringify(sample.event, null, 2))}</pre></details>
    ${json ? `<details><summary>Block Kit JSON</summary><pre>${html(json)}</pre></details>` : ''}
    ${result.awsCalls.length ? `<details><summary>AWS reads (${result.awsCalls.length})</summary><pre>${html(result.awsCalls.join('\n'))}</pre></details>` : ''}
  </div>
</section>`;
}

function release(view: ReleaseView, people: People): string {
  const versions = view.versions
    .map((v, i) => `<li><b>v${i + 1}</b> after <i>${html(v.after)}</i>${renderMessage(v.card, people)}</li>`)
    .join('');
  const thread = view.thread
    .map(
      (reply) =>
        `<div class="reply" data-ts="${html(reply.ts)}" data-broadcast="${reply.broadcast}">${reply.broadcast ? '<div class="broadcast">Also sent to the channel</div>' : ''}${renderMessage(reply.message, people)}<div class="ephemeral"></div></div>`,
    )
    .join('');
  return `<section class="release" data-release="${html(view.name)}" data-channel-messages="${view.channelMessages}" data-replies="${view.thread.length}" data-failures="${view.failures.length}">
  <h3>${html(view.name)} <span class="status ${view.channelMessages === 1 ? 'ok' : 'bad'}">${view.channelMessages} channel message${view.channelMessages === 1 ? '' : 's'}, ${view.thread.length} in its thread, ${view.versions.length} versions of the card</span></h3>
  <div class="release-card">${view.card ? renderMessage(view.card, people) : '<div class="problems">no card</div>'}</div>
  <div class="thread"><div class="thread-title">Thread</div>${thread}</div>
  <details><summary>How the card evolved (${view.versions.length} versions)</summary><ol class="versions">${versions}</ol></details>
  ${view.failures.length ? `<div class="problems">${view.failures.map(html).join('<br>')}</div>` : ''}
</section>`;
}

export function renderPage(
  results: SampleResult[],
  releases: ReleaseView[] = [],
  people: People = {},
): string {
  const sources = [...new Set(results.map((r) => r.sample.source))];
  // Every sample is exactly one of: posted, silent on purpose, failed.
  const failed = results.filter((r) => r.error).length;
  const posted = results.filter((r) => !r.error && r.messages.length > 0);
  const silent = results.length - failed - posted.length;
  const messages = posted.reduce((n, r) => n + r.messages.length, 0);
  const broken = results.reduce((n, r) => n + r.problems.filter((p) => p.length > 0).length, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Herald preview</title><style>${STYLE}</style></head>
<body>
<header class="top"><h1>Herald preview</h1>
<p class="counts" data-samples="${results.length}" data-posted="${posted.length}" data-silent="${silent}" data-failed="${failed}" data-messages="${messages}" data-broken="${broken}">${results.length} sample events from <code>events/</code> through the real handlers: ${posted.length} posted ${messages} message${messages === 1 ? '' : 's'}, ${silent} stayed silent on purpose, ${failed} failed; ${broken} message${broken === 1 ? '' : 's'} over Slack's limits. Reload after editing a formatter.</p>
<nav><a href="#releases">releases (app mode)</a>${sources.map((s) => `<a href="#source-${html(s)}">${html(s)}</a>`).join('')}</nav></header>
<main>
<h2 id="releases">Releases in app mode: one card per pipeline run, its details in the thread</h2>
${releases.map((view) => release(view, people)).join('\n')}
${sources
  .map(
    (source) =>
      `<h2 id="source-${html(source)}">${html(source)}</h2>${results
        .filter((r) => r.sample.source === source)
        .map((result) => card(result, people))
        .join('\n')}`,
  )
  .join('\n')}
</main>
<script>${SCRIPT}</script>
</body></html>`;
}

/** The page of a routing file that does not load: what is wrong, where, and that saving reloads. */
export function renderProblems(problems: string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Herald preview: routing file broken</title><style>${STYLE}</style></head>
<body><header><h1>The routing file is broken</h1></header>
<section class="card" data-status="broken-routing"><div class="problems">${problems.map(html).join('<br>')}</div>
<p>Fix it and save: the preview restarts; reload this page.</p></section></body></html>`;
}
