/**
 * Starts moto server, the AWS API emulator from PyPI, on 127.0.0.1 for handler integration tests.
 * `.ci/python-tools.sh` installs it into .venv; each test file gets its own server on a free port.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

const MOTO_SERVER = motoServerPath(path.join(__dirname, '..', '..'));

/**
 * The project's .venv/bin/moto_server. Mutation testing runs the tests in a copy of the project made inside it
 * (.stryker-tmp/sandbox-*), without the venv: there it is the venv of the project the copy was made from.
 */
function motoServerPath(projectRoot: string): string {
  const parent = path.dirname(projectRoot);
  const root = path.basename(parent) === '.stryker-tmp' ? path.dirname(parent) : projectRoot;
  return path.join(root, '.venv', 'bin', 'moto_server');
}

export interface MotoServer {
  readonly endpoint: string;
  /** Client settings for any AWS SDK v3 client pointed at this server. */
  readonly clientConfig: {
    readonly endpoint: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** Forgets every resource, so each test starts from an empty account. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * MOTO_SERVER_ENDPOINT (`http://127.0.0.1:5000`) names a moto server someone else started and stops: each test
 * file resets it instead of starting its own. Mutation testing runs the tests of each mutant again, and starting
 * moto (a Python program) took more of a mutant's time than its tests did. One test process at a time only
 * (Stryker's `--concurrency 1`): files running side by side would reset each other's account.
 */
export async function startMotoServer(): Promise<MotoServer> {
  const shared = process.env.MOTO_SERVER_ENDPOINT;
  if (shared) {
    const server = motoServerAt(shared, () => Promise.resolve());
    await server.reset();
    return server;
  }
  if (!fs.existsSync(MOTO_SERVER)) {
    throw new Error('moto_server is not installed: run `bash .ci/python-tools.sh` (npm run test:all does) to create .venv with it.');
  }
  const port = await freePort();
  const child = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilUp(endpoint, child, () => stderr);
  return motoServerAt(endpoint, () => stopProcess(child));
}

function motoServerAt(endpoint: string, stop: () => Promise<void>): MotoServer {
  return {
    endpoint,
    clientConfig: { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
    },
    stop,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${stderr()}`);
}

/**
 * Stops the server well inside jest's 5 s hook timeout: a server that has not exited a second after SIGTERM
 * (a busy machine, a request in flight) is killed, since nothing it holds outlives the test file.
 */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 1_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
