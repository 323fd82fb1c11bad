/*
 * CPU time spent during a phase of a benchmark: by this process (the backend, and the sender
 * that runs in it) and by the local PostgreSQL server's processes, to show how a phase's work
 * divides between the two. On a virtual machine whose cores are shared with other work, CPU
 * time rises and falls with the wall time (docs/benchmarks.md), so it does not filter out
 * that noise.
 */
import fs from 'node:fs';
import os from 'node:os';

/** CPU milliseconds of every process whose command is `postgres`, or undefined if unreadable. */
function postgresCpuMs(): number | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return undefined;
  }
  // Linux reports utime and stime in clock ticks; 100 per second on every common build.
  const ticksPerSecond = Number(process.env.BENCH_CLOCK_TICKS ?? 100);
  let ticks = 0;
  let found = false;
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command is in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command.
      ticks += Number(fields[11]) + Number(fields[12]);
      found = true;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return found ? (ticks * 1000) / ticksPerSecond : undefined;
}

export type CpuSpent = {
  /** This process: user and system time. */
  processMs: number;
  /** The local PostgreSQL server, when its processes are readable here. */
  postgresMs?: number;
};

/**
 * Starts counting; the function it returns gives the CPU spent since. PostgreSQL's share is
 * only counted for a server on this machine (`POSTGRES_HOST` unset or local), and misses
 * connections that ended during the phase, which the benchmark's pools keep open.
 */
export function cpuSince(): () => CpuSpent {
  const local = ['127.0.0.1', 'localhost', '::1', os.hostname()].includes(
    process.env.POSTGRES_HOST ?? '127.0.0.1',
  );
  const start = process.cpuUsage();
  const postgresStart = local ? postgresCpuMs() : undefined;
  return () => {
    const used = process.cpuUsage(start);
    const postgresEnd =
      postgresStart === undefined ? undefined : postgresCpuMs();
    return {
      processMs: (used.user + used.system) / 1000,
      postgresMs:
        postgresStart === undefined || postgresEnd === undefined
          ? undefined
          : postgresEnd - postgresStart,
    };
  };
}
