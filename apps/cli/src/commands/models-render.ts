import type { Lineage, ModelVersion, RegisteredModel } from '@ragops/core';
import { table } from './registry-cli.ts';

const short = (sha: string) => sha.slice(0, 12);
const tagsText = (tags: Record<string, string>) =>
  Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

export function renderModel(m: RegisteredModel): string {
  return [
    `${m.fullName}  owner ${m.owner}  versions allocated ${m.lastVersion}`,
    m.description ? `description: ${m.description}` : undefined,
    Object.keys(m.tags).length ? `tags: ${tagsText(m.tags)}` : undefined,
    `aliases: ${m.aliases.map((a) => `${a.alias} → ${a.version}`).join(', ') || '(none)'}`,
  ]
    .filter((l) => l !== undefined)
    .join('\n');
}

export function renderVersion(v: ModelVersion): string {
  const p = v.package;
  return [
    `${v.uri}${v.aliases.length ? `  (${v.aliases.map((a) => `@${a}`).join(' ')})` : ''}`,
    `  created   ${v.createdAt} by ${v.createdBy}`,
    `  package   sha256 ${v.packageSha256}`,
    `  chain     ${p.chain.name}: retriever ${p.chain.retriever.mode} k=${p.chain.retriever.k}${p.chain.retriever.reranker ? ` reranker ${p.chain.retriever.reranker}` : ''}, llm ${p.chain.llm.provider}/${p.chain.llm.model}`,
    `  index     ${p.index.name} version ${p.index.version}${p.index.tag ? ` (tag ${p.index.tag})` : ''}`,
    `  embedder  ${p.chain.embedder.provider}/${p.chain.embedder.model} (${p.chain.embedder.dimensions} dims)`,
    `  prompt    ${p.chain.prompt.path} sha256 ${short(p.chain.prompt.sha256)}`,
    v.source ? `  copied from ${v.source.uri}` : undefined,
    v.description ? `  description ${v.description}` : undefined,
    Object.keys(v.tags).length ? `  tags      ${tagsText(v.tags)}` : undefined,
  ]
    .filter((l) => l !== undefined)
    .join('\n');
}

export function renderVersionList(items: ModelVersion[]): string {
  return table(
    ['VERSION', 'ALIASES', 'INDEX', 'PACKAGE', 'CREATED', 'BY'],
    items.map((v) => [
      v.version,
      v.aliases.join(','),
      `${v.package.index.name}@${v.package.index.version}`,
      short(v.packageSha256),
      v.createdAt,
      v.createdBy,
    ]),
  );
}

export function renderLineage(l: Lineage): string {
  const u = l.upstream;
  const d = l.downstream;
  const docs = u.index.build?.documents ?? [];
  const lines = [
    `${l.uri}  package ${short(l.packageSha256)}  by ${l.createdBy} at ${l.createdAt}`,
    'upstream',
    `  index        ${u.index.name} version ${u.index.version}${u.index.tag ? ` (pinned by tag ${u.index.tag})` : ''}`,
    `  documents    ${u.index.documentCount ?? docs.length} in the build${u.index.manifestSha256 ? `, manifest sha256 ${short(u.index.manifestSha256)}` : ''}${u.index.build ? `, source ${u.index.build.source ?? '?'}` : u.index.buildHidden ? '' : ' (build record not on this machine)'}`,
    ...(u.index.buildHidden ? [`    (${u.index.buildHidden})`] : []),
    ...docs.slice(0, 20).map((doc) => `    - ${doc.id}  ${short(doc.sha256)}`),
    ...(docs.length > 20 ? [`    … ${docs.length - 20} more (--json lists all)`] : []),
    `  prompt       ${u.prompt.path}  sha256 ${short(u.prompt.sha256)}`,
    `  git commit   ${u.gitCommit ?? '(unknown)'}`,
    `  spec         ${u.specSource ?? '(unknown)'}`,
    `  copied from  ${u.copiedFrom.join(' ← ') || '(registered here)'}`,
    'downstream',
    `  aliases      ${d.aliases.join(', ') || '(none)'}`,
    `  copies       ${[...d.copies, ...(d.hiddenCopies ? [`${d.hiddenCopies} in models you may not read`] : [])].join(', ') || '(none)'}`,
    `  used by      ${d.links.map((k) => `${k.kind} ${k.ref} (${k.relation}${k.via ? ` via @${k.via}` : ''})`).join(', ') || '(no endpoints or eval runs yet)'}`,
  ];
  return lines.join('\n');
}
