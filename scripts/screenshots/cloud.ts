/** Starts `npm start`'s local cloud as a child process on a free port with its own data folder. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface ChildCloud {
  url: string;
  stop(): Promise<void>;
}

/**
 * `timeoutMs` covers a first start: the demo's catalog, history and learners, and a first night of the nightly jobs
 * (README, The local cloud: about half a minute on an idle 2-core machine, twice that under load).
 */
export async function startChildCloud(timeoutMs = 150_000): Promise<ChildCloud> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudcourse-shots-'));
  const child: ChildProcess = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOCAL_CLOUD_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`local cloud did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local cloud exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          fs.rmSync(dataDir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
