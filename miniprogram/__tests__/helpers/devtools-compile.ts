/**
 * `tsx devtools-compile.ts <project>…`: compiles each DevTools project folder with miniprogram-ci, the compile module
 * of WeChat DevTools, as DevTools would with the project's own settings (TypeScript through its babel pipeline, app.json
 * and every page and component JSON checked against WeChat's schemas, minification), then runs `checkCodeQuality` on
 * the compiled output, with the mini-program's npm packages built first (scripts/lib/miniprogram-npm.ts). Prints `RESULT {"<project>": [finding…]}` and exits: the module forks workers and leaves
 * watchers open. Run it through `devtoolsCompile()` (wechat-compilers.ts), which keeps it offline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ci from 'miniprogram-ci';
import { buildMiniprogramNpm } from '../../../scripts/lib/miniprogram-npm';
import { runCommand } from '../../../scripts/lib/run-command';

type ProjectOptions = ConstructorParameters<typeof ci.Project>[0];

/** Project attributes come from WeChat's servers unless the project answers them itself. */
function project(projectPath: string): InstanceType<typeof ci.Project> {
  const options: ProjectOptions & { attr: () => Promise<unknown> } = {
    appid: 'touristappid',
    type: 'miniProgram',
    projectPath,
    privateKey: 'not used offline',
    attr: async () => ci.DefaultProjectAttr,
  };
  return new ci.Project(options);
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const file = (error as { path?: string }).path;
  return file && !error.message.startsWith(file) ? `${file}: ${error.message}` : error.message;
}

async function check(projectPath: string): Promise<string[]> {
  const findings: string[] = [];
  const warnings = (update: string | { status: string; message: string }): void => {
    if (typeof update === 'string' || update.status !== 'warn') return;
    // Not a problem: a file the project leaves out of the package on purpose.
    if (!update.message.startsWith('Ignored by project.config.json packOptions.ignore')) {
      findings.push(`warning: ${update.message}`);
    }
  };
  let compiled: Record<string, string | Buffer>;
  try {
    // What DevTools' 构建 npm gives the project: the code analyzer follows the requires into it.
    await buildMiniprogramNpm(path.join(projectPath, 'miniprogram'));
    compiled = await ci.getCompiledResult({
      project: project(projectPath),
      version: 'unused', // the type is upload's; compiling does not read it
      setting: { useProjectConfig: true },
      onProgressUpdate: warnings,
    });
  } catch (error) {
    return [...findings, `compile: ${messageOf(error)}`];
  }
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-compiled-'));
  try {
    for (const [file, content] of Object.entries(compiled)) {
      fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
      fs.writeFileSync(path.join(out, file), content);
      const warning = file.endsWith('.json')
        ? (JSON.parse(String(content)) as { __warning__?: string }).__warning__
        : '';
      if (warning) findings.push(`${file}: ${warning}`);
    }
    // The compiled package is the mini-program root; its settings are the project's.
    const config = JSON.parse(fs.readFileSync(path.join(projectPath, 'project.config.json'), 'utf8')) as object;
    fs.writeFileSync(path.join(out, 'project.config.json'), JSON.stringify({ ...config, miniprogramRoot: '' }));
    for (const item of await ci.checkCodeQuality(project(out))) {
      const detail = item.detail === undefined ? '' : ` ${JSON.stringify(item.detail)}`;
      if (!item.success) findings.push(`code quality ${item.name}: ${item.text}${detail}`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  return findings;
}

runCommand(async () => {
  const result: Record<string, string[]> = {};
  // One at a time: the module keeps its caches in globals.
  for (const projectPath of process.argv.slice(2)) result[projectPath] = await check(projectPath);
  console.log(`RESULT ${JSON.stringify(result)}`);
  return 0;
});
