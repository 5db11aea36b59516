import {
  formatModelUri,
  getLineage,
  getModel,
  listModels,
  listModelVersions,
  parseInput,
  parseModelName,
  parseVersionNumber,
} from '@ragops/core';
import { listEvalRuns } from '@ragops/evals';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { AppContext } from '../app-context.ts';
import type { ConsoleEnv } from './console-auth.ts';
import { layout, num } from './console-layout.ts';
import { chrome, pageTokenQuery, readAs } from './page-query.ts';

const modelHref = (name: string) => `/console/models/${encodeURIComponent(name)}`;
const versionHref = (name: string, version: number) => `${modelHref(name)}/versions/${version}`;
const nextLink = (path: string, token: string | undefined) =>
  token ? html`<p><a href="${path}?pageToken=${encodeURIComponent(token)}">Next page →</a></p>` : '';

/** /console/models, /console/models/:name and /console/models/:name/versions/:version (lineage). */
export function registerModelPages(ui: Hono<ConsoleEnv>, ctx: AppContext): void {
  const read = (c: Context<ConsoleEnv>) => readAs(c, ctx);

  ui.get('/models', async (c) => {
    const query = parseInput(pageTokenQuery, c.req.query(), 'query');
    const page = await listModels({ ...read(c), pageSize: 100, ...query });
    const rows = page.items.map(
      (m) => html`<tr>
        <td><a href="${modelHref(m.fullName)}">${m.fullName}</a></td>
        <td>${m.aliases.map((a) => html`<span class="tag">@${a.alias} → ${a.version}</span>`)}</td>
        <td>${m.description}</td>
      </tr>`,
    );
    return c.html(
      layout({
        ...chrome(c),
        title: 'Models',
        body: html`<h1>Models</h1>
          ${
            rows.length === 0
              ? html`<p class="muted">No models you may read.</p>`
              : html`<table>
                <thead><tr><th>Model</th><th>Aliases</th><th>Description</th></tr></thead>
                <tbody>${rows}</tbody>
              </table>`
          }
          ${nextLink('/console/models', page.nextPageToken)}`,
      }),
    );
  });

  ui.get('/models/:name', async (c) => {
    const name = c.req.param('name');
    parseModelName(name);
    const query = parseInput(pageTokenQuery, c.req.query(), 'query');
    const model = await getModel({ ...read(c), name });
    const versions = await listModelVersions({ ...read(c), name, pageSize: 100, ...query });
    const rows = versions.items.map(
      (v) => html`<tr>
        <td><a href="${versionHref(model.fullName, v.version)}">${v.version}</a></td>
        <td>${v.aliases.map((a) => html`<span class="tag">@${a}</span>`)}</td>
        <td><code>${v.package.index.name}</code> v${v.package.index.version}</td>
        <td>${v.package.chain.llm.provider} / ${v.package.chain.llm.model}</td>
        <td>${v.createdBy}</td>
        <td>${v.createdAt}</td>
      </tr>`,
    );
    return c.html(
      layout({
        ...chrome(c),
        title: model.fullName,
        body: html`<h1>${model.fullName}</h1>
          <p>${model.description}</p>
          <p><a href="/console/promotions?model=${encodeURIComponent(model.fullName)}">Promotion decisions →</a></p>
          <h2>Versions</h2>
          <table>
            <thead><tr><th>Version</th><th>Aliases</th><th>Index</th><th>LLM</th><th>By</th><th>Created</th></tr></thead>
            <tbody>${rows}</tbody>
          </table>
          ${nextLink(modelHref(model.fullName), versions.nextPageToken)}`,
      }),
    );
  });

  ui.get('/models/:name/versions/:version', async (c) => {
    const name = parseModelName(c.req.param('name'));
    const version = parseVersionNumber(c.req.param('version'), 'version');
    const uri = formatModelUri({ name, ref: { version } });
    const lineage = await getLineage({ ...read(c), uri });
    const fullName = `${name.catalog}.${name.schema}.${name.name}`;
    const runs = await listEvalRuns({ ...read(c), model: fullName, modelVersion: version, pageSize: 50 });
    const up = lineage.upstream;
    const links = lineage.downstream.links.map(
      (l) => html`<tr>
        <td>${l.kind}</td>
        <td>${
          l.kind === 'eval_run'
            ? html`<a href="/console/eval-runs/${l.ref}">${l.ref}</a>`
            : l.kind === 'gate_decision'
              ? html`<a href="/console/promotions/${l.ref}">${l.ref}</a>`
              : l.ref
        }</td>
        <td>${l.relation}</td>
        <td>${l.via ? `@${l.via}` : ''}</td>
        <td>${l.createdAt}</td>
      </tr>`,
    );
    const runRows = runs.items.map(
      (r) => html`<tr>
        <td><a href="/console/eval-runs/${r.id}">${r.id}</a></td>
        <td>${r.dataset.name}</td>
        <td>${r.status}</td>
        <td class="num">${r.rowsDone}/${r.rowsTotal}</td>
        <td>${r.aggregates?.metrics
          .filter((m) => m.overall)
          .map((m) => html`<span class="tag">${m.judge} ${num(m.overall?.mean)}</span>`)}</td>
      </tr>`,
    );
    return c.html(
      layout({
        ...chrome(c),
        title: lineage.uri,
        body: html`<h1>${lineage.uri}</h1>
          <p><a href="${modelHref(fullName)}">← all versions of ${fullName}</a></p>
          <p>Aliases: ${lineage.downstream.aliases.map((a) => html`<span class="tag">@${a}</span>`)}
            · package <code>${lineage.packageSha256.slice(0, 12)}</code> · by ${lineage.createdBy}, ${lineage.createdAt}</p>
          <h2>Upstream</h2>
          <table><tbody>
            <tr><th>Index</th><td><code>${up.index.name}</code> version ${up.index.version}
              ${up.index.buildHidden ? html`<span class="muted">(${up.index.buildHidden})</span>` : ''}
              ${up.index.build ? html`· ${up.index.build.documents.length} documents` : ''}</td></tr>
            <tr><th>Prompt</th><td><code>${up.prompt.path}</code> <code>${up.prompt.sha256.slice(0, 12)}</code></td></tr>
            <tr><th>Git commit</th><td>${up.gitCommit ?? '–'}</td></tr>
            <tr><th>Copied from</th><td>${up.copiedFrom.length ? up.copiedFrom.join(' ← ') : '–'}</td></tr>
          </tbody></table>
          <h2>Downstream</h2>
          ${
            links.length === 0
              ? html`<p class="muted">No endpoints or eval runs recorded.</p>`
              : html`<table>
                <thead><tr><th>Kind</th><th>Ref</th><th>Relation</th><th>Via</th><th>Since</th></tr></thead>
                <tbody>${links}</tbody>
              </table>`
          }
          ${lineage.downstream.copies.length ? html`<p>Copies: ${lineage.downstream.copies.join(', ')}</p>` : ''}
          ${lineage.downstream.hiddenCopies ? html`<p class="muted">${lineage.downstream.hiddenCopies} copies you may not read.</p>` : ''}
          <h2>Eval runs</h2>
          ${
            runRows.length === 0
              ? html`<p class="muted">No eval runs on this version.</p>`
              : html`<table>
                <thead><tr><th>Run</th><th>Dataset</th><th>Status</th><th class="num">Rows</th><th>Metrics (mean)</th></tr></thead>
                <tbody>${runRows}</tbody>
              </table>`
          }`,
      }),
    );
  });
}
