import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

export type ProfileSummary = {
  /** Main-thread JS time sampled (idle excluded), ms. Native threads (LanceDB's Rust pool) are not in it. */
  busyMs: number;
  idleMs: number;
  /** Self time by where the code lives, share of busy time. */
  byArea: { area: string; ms: number; share: number }[];
  /** Functions with the most self time. */
  top: { fn: string; where: string; ms: number; share: number }[];
  /**
   * Self time of library and runtime code charged to the nearest ragops function on the stack
   * (packages/, apps/): which of our calls the time is spent under.
   */
  byFirstPartyCaller: { fn: string; where: string; ms: number; share: number }[];
};

const FIRST_PARTY = /\/(packages|apps)\/[^/]+\/src\//;
const frameName = (node: ProfileNode) => ({
  fn: node.callFrame.functionName || '(anonymous)',
  where: node.callFrame.url
    ? `${node.callFrame.url.replace(/^.*\/(node_modules|packages|apps)\//, '$1/')}:${node.callFrame.lineNumber + 1}`
    : '',
});

const AREAS: [RegExp, string][] = [
  [/node_modules\/@lancedb\//, 'lancedb (JS side)'],
  [/node_modules\/apache-arrow\//, 'apache-arrow'],
  [/node_modules\/zod\//, 'zod'],
  [/node_modules\/(hono|@hono)\//, 'hono / node-server'],
  [/node_modules\/(pino|sonic-boom|fast-redact|pino-std-serializers)/, 'pino logging'],
  [/node_modules\/prom-client\//, 'prom-client'],
  [/node_modules\/mustache\//, 'mustache'],
  [/node_modules\/js-tiktoken\//, 'js-tiktoken'],
  [/node_modules\//, 'other node_modules'],
  [/packages\/core\/src\/store\//, '@ragops/core store (SQLite)'],
  [/packages\/core\//, '@ragops/core other'],
  [/packages\/rag\/src\/(embed|text)\//, '@ragops/rag embed + analyze'],
  [/packages\/rag\/src\/(search|index)\//, '@ragops/rag retrieval'],
  [/packages\/rag\//, '@ragops/rag other'],
  [/apps\/server\/src\/serving\//, 'server: serving'],
  [/apps\/server\//, 'server: app, middleware'],
  [/^node:/, 'node internals'],
];

function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return '(program: native/V8)';
    return functionName.startsWith('(') ? functionName : 'native builtins';
  }
  for (const [re, area] of AREAS) if (re.test(url)) return area;
  return 'other';
}

/** Summarises every .cpuprofile in `dir` (node --cpu-prof --cpu-prof-dir=dir). */
export function summarizeCpuProfiles(dir: string, topN = 15): ProfileSummary {
  const self = new Map<number, number>();
  const nodes = new Map<number, ProfileNode>();
  let idleMs = 0;
  let busyMs = 0;
  const byArea = new Map<string, number>();
  const byFn = new Map<string, { fn: string; where: string; ms: number }>();
  const byCaller = new Map<string, { fn: string; where: string; ms: number }>();
  const parent = new Map<number, number>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    self.clear();
    nodes.clear();
    parent.clear();
    for (const node of profile.nodes) {
      nodes.set(node.id, node);
      for (const child of node.children ?? []) parent.set(child, node.id);
    }
    profile.samples.forEach((id, i) => {
      self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    for (const [id, ms] of self) {
      const node = nodes.get(id)!;
      // The profiler's own stop call, after the load.
      if (node.callFrame.url.startsWith('node:inspector')) continue;
      if (node.callFrame.functionName === '(idle)') {
        idleMs += ms;
        continue;
      }
      busyMs += ms;
      const area = areaOf(node);
      byArea.set(area, (byArea.get(area) ?? 0) + ms);
      const { fn, where } = frameName(node);
      const key = `${fn}@${where}`;
      const entry = byFn.get(key) ?? { fn, where, ms: 0 };
      entry.ms += ms;
      byFn.set(key, entry);
      let owner: ProfileNode | undefined = node;
      while (owner && !FIRST_PARTY.test(owner.callFrame.url)) {
        const up = parent.get(owner.id);
        owner = up === undefined ? undefined : nodes.get(up);
      }
      const caller = owner ? frameName(owner) : { fn: '(no ragops frame: http, timers, GC)', where: '' };
      const callerKey = `${caller.fn}@${caller.where}`;
      const c = byCaller.get(callerKey) ?? { ...caller, ms: 0 };
      c.ms += ms;
      byCaller.set(callerKey, c);
    }
  }
  const share = (ms: number) => (busyMs > 0 ? ms / busyMs : 0);
  return {
    busyMs,
    idleMs,
    byArea: [...byArea].map(([area, ms]) => ({ area, ms, share: share(ms) })).sort((a, b) => b.ms - a.ms),
    top: [...byFn.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, topN)
      .map((e) => ({ ...e, share: share(e.ms) })),
    byFirstPartyCaller: [...byCaller.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, topN)
      .map((e) => ({ ...e, share: share(e.ms) })),
  };
}
