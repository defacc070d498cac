/**
 * npm run creator -- <add-admin|remove-admin|list-admins> … [--env <envId>]
 *
 * Who administers which creator (`creatorAdmins`), written through @cloudbase/node-sdk into the local cloud
 * (`npm start`) or, with --env, a real CloudBase environment (TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY).
 * Exit code 1 on a problem (every one reported, nothing written), 2 on a usage error.
 */
import { connect, readCommandLine } from './lib/cloudbase-app';
import { addAdmin, listAdmins, removeAdmin, type AdminResult } from './lib/creator-admins';
import { printProblems, runCommand } from './lib/run-command';

const USAGE = `用法：npm run creator -- <命令> [--env <环境 ID>]
  add-admin <openid> <创作者 ID>      让该 openid 的用户管理这位创作者（内容检查用它的 openid，需在两小时内打开过小程序）
  remove-admin <openid> <创作者 ID>   取消该用户对这位创作者的管理
  list-admins [<创作者 ID>]           列出管理员`;

const ARITY: Record<string, [number, number]> = { 'add-admin': [2, 2], 'remove-admin': [2, 2], 'list-admins': [0, 1] };

function report(result: AdminResult, what: string): number {
  if (!result.ok) return printProblems(result.problems);
  if (what !== 'list-admins') console.log(result.changed ? '已保存' : '无变化：已是该创作者的管理员');
  if (result.unknownCreator) console.log('注意：还没有这个 ID 的创作者（尚未导入其课程？请核对 ID 是否拼写正确）');
  for (const admin of result.admins) console.log(`${admin._id}：${admin.creatorIds.join('、')}`);
  if (what === 'list-admins' && result.admins.length === 0) console.log('没有管理员');
  return 0;
}

async function main(): Promise<number> {
  const args = readCommandLine(process.argv.slice(2), { values: ['--env'] }, USAGE);
  if (typeof args === 'number') return args;
  const [command, ...positional] = args.positional;
  const arity = command === undefined ? undefined : ARITY[command];
  if (command === undefined || !arity || positional.length < arity[0] || positional.length > arity[1]) {
    console.error(USAGE);
    return 2;
  }
  const { app, description } = await connect(args.values.get('--env'));
  console.error(`→ ${description}`);
  const db = app.database();
  const [first, second] = positional;
  if (command === 'add-admin') return report(await addAdmin(db, first, second), command);
  if (command === 'remove-admin') return report(await removeAdmin(db, first, second), command);
  return report(await listAdmins(db, first), command);
}

runCommand(main);
