// Where the machine's CPU went during a load run, from two /proc snapshots taken inside the run: the server under
// test (its process and all descendants), wrk, the PostgreSQL backends serving the bench's database, and everything
// else (other users of a shared machine, their databases included). In cores: 1.0 = one core busy all along.
import { readdirSync, readFileSync } from 'node:fs';

interface ProcessTicks {
  readonly ppid: number;
  readonly comm: string;
  readonly ticks: number;
  /** For a PostgreSQL backend, its process title ("postgres: 15/main: USER DATABASE HOST(PORT) STATE"). */
  readonly title?: string;
}

interface Snapshot {
  readonly processes: ReadonlyMap<number, ProcessTicks>;
  /** Sum of every CPU's ticks (busy and idle) from /proc/stat's "cpu" line. */
  readonly totalTicks: number;
  readonly idleTicks: number;
  readonly cpus: number;
}

export interface CpuShare {
  readonly server: number;
  readonly wrk: number;
  readonly postgres: number;
  readonly other: number;
  /** Cores left idle. */
  readonly idle: number;
}

export function snapshot(): Snapshot {
  const processes = new Map<number, ProcessTicks>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid ..."; comm may contain spaces and parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    const ticks = Number(fields[11]) + Number(fields[12]);
    processes.set(Number(entry), { ppid: Number(fields[1]), comm, ticks, ...(comm === 'postgres' && { title: commandLine(entry) }) });
  }
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const cpu = lines[0]!.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user)
  const totalTicks = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  const idleTicks = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const cpus = lines.filter((l) => /^cpu\d+ /.test(l)).length;
  return { processes, totalTicks, idleTicks, cpus };
}

function commandLine(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

function descendants(processes: ReadonlyMap<number, ProcessTicks>, roots: readonly number[]): Set<number> {
  const tree = new Set(roots.filter((pid) => processes.has(pid)));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of processes) {
      if (!tree.has(pid) && tree.has(p.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return tree;
}

/** CPU used between two snapshots, split by owner. Processes that started or ended in between are ignored. */
export function cpuShare(
  before: Snapshot,
  after: Snapshot,
  owners: { serverRoots: readonly number[]; wrkPids: readonly number[]; database: string },
): CpuShare {
  const perCpuTicks = (after.totalTicks - before.totalTicks) / after.cpus;
  if (perCpuTicks <= 0) return { server: 0, wrk: 0, postgres: 0, other: 0, idle: 0 };
  const server = descendants(after.processes, owners.serverRoots);
  const ourDatabase = ` ${owners.database} `;
  let serverTicks = 0;
  let wrkTicks = 0;
  let postgresTicks = 0;
  let otherTicks = 0;
  for (const [pid, p] of after.processes) {
    const previous = before.processes.get(pid);
    if (!previous || previous.comm !== p.comm) continue;
    const used = p.ticks - previous.ticks;
    if (server.has(pid)) serverTicks += used;
    else if (owners.wrkPids.includes(pid)) wrkTicks += used;
    else if (p.title?.includes(ourDatabase)) postgresTicks += used;
    else otherTicks += used;
  }
  const round = (ticks: number) => Math.round((ticks / perCpuTicks) * 100) / 100;
  return {
    server: round(serverTicks),
    wrk: round(wrkTicks),
    postgres: round(postgresTicks),
    other: round(otherTicks),
    idle: round(after.idleTicks - before.idleTicks),
  };
}
