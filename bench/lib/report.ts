// The bench's results: one JSON document (every figure, for tooling and for comparing runs) and a Markdown summary
// (the comparison table, the ceiling, where the CPU went, and whether the validation target is met).
import type { CpuShare } from './cpu-usage.js';
import type { WrkResult } from './wrk.js';

export type ServerName = 'keystone-ts' | 'py-keystone' | 'bare fastify';

export interface Measurement {
  readonly scenario: string;
  readonly title: string;
  readonly server: ServerName;
  readonly connections: number;
  readonly seconds: number;
  readonly result: WrkResult;
  /** Load run beside the measured one (its figures are not the scenario's). */
  readonly background?: { readonly title: string; readonly connections: number; readonly result: WrkResult };
  /** In cores, over the middle of the run. */
  readonly cpu: CpuShare | undefined;
  /** 1-minute load average just before the run (others' work on a shared machine shows here). */
  readonly loadBefore: number;
}

/**
 * CPU milliseconds one request cost the server and its database. Unlike req/s, this hardly depends on how much of
 * the machine other processes took meanwhile, so it is the figure to compare runs on a shared machine by.
 */
export function cpuMsPerRequest(m: Measurement): { server: number; postgres: number } | undefined {
  if (!m.cpu || m.result.rps <= 0 || m.background) return undefined;
  const perRequest = (cores: number) => round((cores * 1000) / m.result.rps, 3);
  return { server: perRequest(m.cpu.server), postgres: perRequest(m.cpu.postgres) };
}

export interface Conditions {
  readonly date: string;
  /** The commit keystone-ts was built from, and whether src/ had uncommitted changes then. */
  readonly revision: { commit: string; srcModified: boolean };
  readonly host: { cpus: number; cpuModel: string; memoryGiB: number; kernel: string; node: string; wrk: string };
  readonly keystoneTs: { workers: number; validationCacheSeconds: number; connection: 'keep-alive' };
  readonly pyKeystone: { processes: number; cache: 'dogpile.cache.memory'; server: string; connection: 'close' };
  readonly database: string;
  readonly wrk: { threads: number; connections: number };
}

/** The target for token validation. */
export const TARGET = { ratio: 20, p99Ms: 10 } as const;

export interface Report {
  readonly conditions: Conditions;
  readonly measurements: readonly (Measurement & { cpuMsPerRequest?: { server: number; postgres: number } })[];
  readonly ratios: Record<string, number>;
  readonly target: { ratio: number; p99Ms: number; measuredRatio: number | null; measuredP99Ms: number | null; met: boolean | null };
}

export function buildReport(conditions: Conditions, measurements: readonly Measurement[]): Report {
  const find = (scenario: string, server: ServerName) => measurements.find((m) => m.scenario === scenario && m.server === server);
  const ratios: Record<string, number> = {};
  for (const m of measurements) {
    if (m.server !== 'keystone-ts') continue;
    const peer = find(m.scenario, 'py-keystone');
    if (peer && peer.result.rps > 0) ratios[m.scenario] = round(m.result.rps / peer.result.rps, 1);
  }
  const validate = find('validate', 'keystone-ts');
  const measuredRatio = ratios.validate ?? null;
  const measuredP99Ms = validate ? validate.result.p99Ms : null;
  const met = measuredRatio === null || measuredP99Ms === null ? null : measuredRatio >= TARGET.ratio && measuredP99Ms < TARGET.p99Ms;
  return {
    conditions,
    measurements: measurements.map((m) => ({ ...m, cpuMsPerRequest: cpuMsPerRequest(m) })),
    ratios,
    target: { ...TARGET, measuredRatio, measuredP99Ms, met },
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function fmt(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  if (value >= 1 || value === 0) return value.toFixed(2);
  return value.toFixed(3);
}

function ratioCell(ratio: number | undefined): string {
  return ratio === undefined ? '-' : `${ratio}x`;
}

/** py-keystone's CPU per request (server and database) over keystone-ts's, or '-' when either is unknown. */
function cpuRatio(ours: Measurement | undefined, peer: Measurement | undefined): string {
  const a = ours && cpuMsPerRequest(ours);
  const b = peer && cpuMsPerRequest(peer);
  if (!a || !b || a.server + a.postgres <= 0) return '-';
  return `${fmt((b.server + b.postgres) / (a.server + a.postgres))}x`;
}

function errors(r: WrkResult): string {
  return r.errorStatus + r.socketErrors === 0 ? '' : ` (${r.errorStatus} HTTP >=400, ${r.socketErrors} socket errors)`;
}

export function markdown(report: Report): string {
  const { conditions: c, measurements } = report;
  const out: string[] = [];
  out.push(`## Benchmark ${c.date}`, '');
  out.push(`keystone-ts ${c.revision.commit.slice(0, 12)}${c.revision.srcModified ? ' with uncommitted changes in src/' : ''}.`);
  out.push(
    `Host: ${c.host.cpus} CPUs (${c.host.cpuModel}), ${c.host.memoryGiB} GiB, Linux ${c.host.kernel}, Node ${c.host.node}, ${c.host.wrk}. ` +
      `Load: wrk, ${c.wrk.threads} thread, ${c.wrk.connections} connections, on the same machine over loopback. ` +
      `Database: PostgreSQL \`${c.database}\`, shared by both servers, with the same key repositories.`,
    `keystone-ts: ${c.keystoneTs.workers} worker processes (node:cluster), validation cache ${c.keystoneTs.validationCacheSeconds} s, keep-alive. ` +
      `py-keystone: ${c.pyKeystone.server}, ${c.pyKeystone.processes} processes, ${c.pyKeystone.cache}; it answers every request with Connection: close.`,
    '',
  );
  out.push('| scenario | keystone-ts req/s | p50 ms | p99 ms | py-keystone req/s | p50 ms | p99 ms | req/s ratio | CPU/request ratio |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const ours of measurements.filter((m) => m.server === 'keystone-ts')) {
    const peer = measurements.find((m) => m.scenario === ours.scenario && m.server === 'py-keystone');
    const a = ours.result;
    const cells = [ours.title + errors(a), fmt(a.rps), fmt(a.p50Ms), fmt(a.p99Ms)];
    if (peer) {
      const b = peer.result;
      cells.push(fmt(b.rps) + errors(b), fmt(b.p50Ms), fmt(b.p99Ms), ratioCell(report.ratios[ours.scenario]), cpuRatio(ours, peer));
    } else {
      cells.push('-', '-', '-', '-', '-');
    }
    out.push(`| ${cells.join(' | ')} |`);
  }
  for (const m of measurements.filter((x) => x.server === 'bare fastify')) {
    const r = m.result;
    out.push(`| ${m.title}${errors(r)} | ${fmt(r.rps)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | - | - | - | - | - |`);
  }
  out.push('');
  for (const m of measurements.filter((x) => x.background)) {
    const b = m.background!;
    out.push(`${m.scenario} on ${m.server}: ${b.title} beside it, ${b.connections} connections, ${fmt(b.result.rps)} req/s (p50 ${fmt(b.result.p50Ms)} ms).`, '');
  }
  const t = report.target;
  out.push(
    `Target (validation throughput >= ${t.ratio}x py-keystone's, p99 < ${t.p99Ms} ms): ` +
      (t.met === null
        ? 'not measured in this run.'
        : `${t.met ? 'met' : 'NOT met'} (measured ${t.measuredRatio}x, p99 ${t.measuredP99Ms?.toFixed(2)} ms).`),
    '',
  );
  const busiest = Math.max(0, ...measurements.map((m) => m.cpu?.other ?? 0));
  if (busiest >= 0.25) {
    out.push(
      `Other processes on the machine used up to ${busiest.toFixed(2)} of its ${c.host.cpus} cores during a run ` +
        '(column "other" below): the figures of such runs are lower bounds, and noisier.',
      '',
    );
  }
  out.push(
    'CPU during each run, in cores (from /proc, over the middle of the run), and per request. "CPU/request ratio" ' +
      "above is py-keystone's server and database CPU per request over keystone-ts's.",
    '',
  );
  out.push('| scenario | server | server cores | wrk | postgres (bench db) | other | idle | load avg before | server CPU ms/request | postgres CPU ms/request |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const m of measurements) {
    const u = m.cpu;
    const cells = u ? [u.server, u.wrk, u.postgres, u.other, u.idle].map((v) => v.toFixed(2)) : ['-', '-', '-', '-', '-'];
    const per = m.cpuMsPerRequest;
    const perCells = per ? [fmt(per.server), fmt(per.postgres)] : ['-', '-'];
    out.push(`| ${m.scenario} | ${m.server} | ${cells.join(' | ')} | ${m.loadBefore.toFixed(2)} | ${perCells.join(' | ')} |`);
  }
  out.push('');
  return out.join('\n');
}
