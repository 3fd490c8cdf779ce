/**
 * The probes that prove a new OS is up: an SSH greeting, a TCP connect, an HTTP 2xx. One try each;
 * verifyBoot retries them until its deadline.
 */
import net from 'node:net';
import http from 'node:http';
import https from 'node:https';
import { SSH_PORT, type BootProbe } from '../domain/deployment';
import { describeUrl } from './secrets';

/** Where a probe connects: the probe's own host, else the address OVH reports for the server. */
export interface ProbeTarget {
  ip: string | undefined;
  /** The port servers answer their SSH port (22) on: 22 itself, or a simulator's (REIMAGE_SIMULATOR_SSH_PORT). */
  sshPort?: number;
}

/** RFC 4253 §4.2: an SSH server speaks first, with `SSH-protoversion-softwareversion`. */
const SSH_GREETING = 'SSH-';

function httpProbe(url: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const request = client.get(url, { timeout: timeoutMs }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) resolve();
      else reject(new Error(`HTTP ${status}`));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** Connects; with `greeting`, also waits for the peer's first bytes to start with it. */
function tcpProbe(host: string, port: number, timeoutMs: number, greeting?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = net.connect({ host, port, timeout: timeoutMs }, () => {
      if (greeting !== undefined) return;
      socket.end();
      resolve();
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.length < (greeting ?? '').length) return;
      socket.destroy();
      if (received.startsWith(greeting ?? '')) resolve();
      else reject(new Error(`answered "${received.slice(0, 20)}" instead of an SSH greeting`));
    });
    socket.on('end', () => reject(new Error('closed the connection without an SSH greeting')));
    socket.on('timeout', () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('error', reject);
  });
}

function hostAndPort(probe: Exclude<BootProbe, { type: 'http' }>, target: ProbeTarget): [string, number] {
  const host = (probe.type === 'tcp' ? probe.host : undefined) ?? target.ip ?? '';
  const port = probe.port === SSH_PORT && target.sshPort !== undefined ? target.sshPort : probe.port;
  return [host, port];
}

/** The probe in words, for a failure message: `SSH greeting on 203.0.113.7:22`. */
export function describeProbe(probe: BootProbe, target: ProbeTarget): string {
  if (probe.type === 'http') return `GET ${describeUrl(probe.url)}`;
  const [host, port] = hostAndPort(probe, target);
  return `${probe.type === 'ssh' ? 'an SSH greeting on' : 'TCP'} ${host || '(no IP)'}:${port}`;
}

/** Runs the probe once; resolves with an error text, or undefined when it answered. */
export async function runProbe(probe: BootProbe, target: ProbeTarget): Promise<string | undefined> {
  try {
    if (probe.type === 'http') {
      await httpProbe(probe.url, probe.timeoutMs);
    } else {
      const [host, port] = hostAndPort(probe, target);
      await tcpProbe(host, port, probe.timeoutMs, probe.type === 'ssh' ? SSH_GREETING : undefined);
    }
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}
