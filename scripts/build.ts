/**
 * `npm run build [-- --functions-dir <dir> --out <dir>]`: bundles each cloud function into a deployable folder
 * (see scripts/lib/build-functions.ts). project.config.json's cloudfunctionRoot points at the output folder.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildFunctions } from './lib/build-functions';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'functions-dir': { type: 'string' }, out: { type: 'string' } },
  });
  const built = await buildFunctions({ functionsDir: values['functions-dir'], outDir: values.out });
  for (const fn of built) {
    const deps = Object.entries(fn.dependencies).map(([name, version]) => `${name}@${version}`);
    console.log(
      `built ${fn.name} -> ${path.relative(process.cwd(), fn.dir)} (${deps.join(', ') || 'no dependencies'})`,
    );
  }
  if (built.length === 0) console.log('no cloud functions found');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
