/**
 * What the kernel says about a client socket's TCP keep-alive, read from /proc/net/tcp (Linux): not
 * what the agent believes, what the socket really has. Not a suite file (the plan loads `*.test.ts`).
 *
 * A line of /proc/net/tcp is `sl local rem st tx:rx tr:when retrnsmt uid timeout inode …`, with
 * addresses as `HEXIP:HEXPORT`; `tr` is the active timer (0 none, 1 retransmit or probe, 2
 * keep-alive, 3 TIME_WAIT, 4 zero window) and `when` its expiry in clock ticks (USER_HZ, 100 a
 * second on Linux). An ESTABLISHED socket with SO_KEEPALIVE has timer 2 while it waits to probe.
 */
import { existsSync, readFileSync } from 'node:fs';

const PROC_NET_TCP = '/proc/net/tcp';
/** USER_HZ: Linux reports clock ticks of 10 ms in /proc whatever the kernel's HZ. */
const TICK_MS = 10;
const TIMER_KEEPALIVE = 2;

export interface TcpTimer {
  /** `tr`: which timer is pending (2 = keep-alive). */
  timer: number;
  /** Ms until that timer fires (0 if none). */
  expiresMs: number;
  /** The TCP state (1 = ESTABLISHED). */
  state: number;
}

/** Why the kernel cannot be read here, or null when it can. */
export function kernelUnreadable(): string | null {
  if (process.platform !== 'linux')
    return `TCP keep-alive is read from /proc/net/tcp (Linux); this is ${process.platform}`;
  if (!existsSync(PROC_NET_TCP)) return `${PROC_NET_TCP} is not readable here`;
  return null;
}

/** The timer of the IPv4 socket whose local port is `localPort` and remote port `remotePort`. */
export function tcpTimer(localPort: number, remotePort: number): TcpTimer | null {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  const local = `:${hex(localPort)}`;
  const remote = `:${hex(remotePort)}`;
  for (const line of readFileSync(PROC_NET_TCP, 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (!f[1]?.endsWith(local) || !f[2]?.endsWith(remote)) continue;
    const [timer, when] = (f[5] ?? '0:0').split(':');
    return {
      state: Number.parseInt(f[3] ?? '0', 16),
      timer: Number.parseInt(timer ?? '0', 16),
      expiresMs: Number.parseInt(when ?? '0', 16) * TICK_MS,
    };
  }
  return null;
}

/** The socket has its keep-alive timer pending. */
export function keepAliveArmed(t: TcpTimer | null): t is TcpTimer {
  return t !== null && t.timer === TIMER_KEEPALIVE;
}

/** For `observed`: `keep-alive in 2990 ms`, `no timer`, `retransmit timer`… */
export function describeTimer(t: TcpTimer | null): string {
  if (!t) return 'socket not found in /proc/net/tcp';
  if (t.timer === TIMER_KEEPALIVE) return `keep-alive timer, fires in ${t.expiresMs} ms`;
  return t.timer === 0 ? 'no timer (TCP keep-alive off)' : `timer ${t.timer} (not keep-alive)`;
}
