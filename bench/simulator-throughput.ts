/**
 * Simulator throughput: 10,000 servers in a child process, several keep-alive clients in this process
 * signing their own requests (server detail and task reads) for about 10 s. Prints one JSON line.
 * Run: `npx tsx bench/simulator-throughput.ts [--seconds 10] [--concurrency 16] [--quick]` (`--quick`: 3 s).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

interface Connection {
  host: string;
  port: number;
  basePath: string;
  caCertPath: string;
  appKey: string;
  appSecret: string;
  consumerKey: string;
  servers: string[];
}

const SERVERS = 10_000;
const ROOT = path.resolve(__dirname, '..');

function startSimulator(): Promise<{ connection: Connection; stop: () => void }> {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const child = spawn(
    tsx,
    [path.join(ROOT, 'src/simulator/main.ts'), '--servers', String(SERVERS), '--seed', '1', '--speed', '60', '--quiet'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`The simulator exited with code ${code} before printing its connection line.`)),
    );
    createInterface({ input: child.stdout }).once('line', (line) => {
      resolve({ connection: JSON.parse(line) as Connection, stop: () => child.kill('SIGTERM') });
    });
  });
}

function makeClient(c: Connection, concurrency: number) {
  const agent = new https.Agent({ ca: readFileSync(c.caCertPath), keepAlive: true, maxSockets: concurrency });
  return (method: string, apiPath: string, body = ''): Promise<{ status: number; text: string }> => {
    const fullPath = `${c.basePath}${apiPath}`;
    const timestamp = Math.round(Date.now() / 1000);
    const toSign = [c.appSecret, c.consumerKey, method, `https://${c.host}${fullPath}`, body, timestamp].join('+');
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'X-Ovh-Application': c.appKey,
      'X-Ovh-Consumer': c.consumerKey,
      'X-Ovh-Timestamp': timestamp,
      'X-Ovh-Signature': `$1$${createHash('sha1').update(toSign).digest('hex')}`,
    };
    if (body) headers['Content-Length'] = Buffer.byteLength(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        { host: '127.0.0.1', servername: 'localhost', port: c.port, method, path: fullPath, headers, agent },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: 'string' }, concurrency: { type: 'string' }, quick: { type: 'boolean' } },
  });
  const seconds = Number(values.seconds ?? (values.quick ? 3 : 10));
  const concurrency = Number(values.concurrency ?? 16);
  const { connection, stop } = await startSimulator();
  try {
    const call = makeClient(connection, concurrency);
    const body = JSON.stringify({
      operatingSystem: 'byoi_64',
      customizations: {
        imageURL: 'https://images.example.com/a.raw',
        imageType: 'raw',
        efiBootloaderPath: '\\efi\\debian\\grubx64.efi',
      },
    });
    const tasks: Array<{ server: string; taskId: number }> = [];
    for (const server of connection.servers.slice(0, 200)) {
      const res = await call('POST', `/dedicated/server/${server}/reinstall`, body);
      tasks.push({ server, taskId: (JSON.parse(res.text) as { taskId: number }).taskId });
    }
    let requests = 0;
    let errors = 0;
    const latencies: number[] = [];
    const deadline = Date.now() + seconds * 1000;
    const started = Date.now();
    const worker = async (w: number) => {
      for (let i = w; Date.now() < deadline; i += concurrency) {
        const t0 = performance.now();
        const task = tasks[i % tasks.length] as (typeof tasks)[number];
        const res =
          i % 2 === 0
            ? await call('GET', `/dedicated/server/${connection.servers[(i * 7919) % connection.servers.length]}`)
            : await call('GET', `/dedicated/server/${task.server}/task/${task.taskId}`);
        latencies.push(performance.now() - t0);
        requests++;
        if (res.status !== 200) errors++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    const elapsed = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Math.round((latencies[Math.floor(p * (latencies.length - 1))] ?? 0) * 100) / 100;
    process.stdout.write(
      `${JSON.stringify({
        benchmark: 'simulator-throughput',
        servers: connection.servers.length,
        requests,
        seconds: Math.round(elapsed * 100) / 100,
        requestsPerSecond: Math.round(requests / elapsed),
        concurrency,
        errors,
        p50Ms: pct(0.5),
        p99Ms: pct(0.99),
      })}\n`,
    );
  } finally {
    stop();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
