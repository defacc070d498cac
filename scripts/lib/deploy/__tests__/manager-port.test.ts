/**
 * The manager-node port's request mapping, through the library itself: only its HTTP function
 * (lib/utils/http-request `fetch`, which it calls with the signed request) is replaced, so what is checked is the
 * Tencent Cloud API action, service and body that @cloudbase/manager-node builds from the port's calls.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import CloudBase from '@cloudbase/manager-node';
import tcb from '@cloudbase/node-sdk';
import { ManagerPort, cronOf } from '../manager-port';
import { BUNDLE_SHA_VARIABLE, RUNTIME, permissionsNote, type DesiredFunction } from '../state';

type Body = Record<string, unknown>;
interface Sent {
  service: string;
  action: string;
  body: Body;
}

const httpRequest = require('@cloudbase/manager-node/lib/utils/http-request') as {
  fetch: (url: string, config: { headers: Record<string, string>; body: string }) => Promise<unknown>;
};

const ENV = 'env-1';
const ENV_INFO = {
  EnvInfo: {
    EnvBaseInfo: {
      EnvId: ENV,
      Databases: [{ InstanceId: 'tnt-db' }],
      Functions: [{ Namespace: ENV }],
      Storages: [{ Bucket: '656e-env-1-1250000000', Region: 'ap-shanghai', AppId: '1250000000' }],
      LogServices: [],
    },
  },
};
const ACTIVE = { FunctionName: 'order', Status: 'Active', VpcConfig: {} };

let sent: Sent[];
let answers: Record<string, (body: Body) => Body>;
let dir: string;

beforeEach(() => {
  // manager-node prints how it uploads each function.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  sent = [];
  answers = {
    DescribeEnvInfo: () => ENV_INFO,
    GetFunction: () => ACTIVE,
    DescribeStorageSafeRule: () => ({ AclTag: 'READONLY', Rule: null }),
  };
  jest.spyOn(httpRequest, 'fetch').mockImplementation(async (url, config) => {
    const action = config.headers['X-TC-Action'] as string;
    const body = JSON.parse(config.body) as Body;
    sent.push({ service: new URL(url).host.split('.')[0] as string, action, body });
    const answer = answers[action];
    if (!answer) throw new Error(`unexpected request ${action}`);
    return { Response: { RequestId: `request-${sent.length}`, ...answer(body) } };
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'manager-port-'));
  writeFileSync(path.join(dir, 'index.js'), 'exports.main = async () => "ok";\n');
  writeFileSync(path.join(dir, 'package.json'), '{"name":"order","main":"index.js","dependencies":{}}\n');
});

afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

function port(): ManagerPort {
  return new ManagerPort(
    new CloudBase({ envId: ENV, secretId: 'AKIDtest', secretKey: 'test-key' }),
    tcb.init({ env: ENV, secretId: 'AKIDtest', secretKey: 'test-key' }),
    ENV,
  );
}

function order(): DesiredFunction {
  return {
    name: 'order',
    dir,
    bundleSha: 'a'.repeat(64),
    timeoutSeconds: 20,
    memoryMb: 512,
    timers: [],
    openapi: ['wxa.sec.order.uploadShippingInfo'],
    variables: { MP_APP_SECRET: 'app-secret' },
  };
}

/** The requests other than the library's environment lookup and its status polls. */
function changes(): Sent[] {
  return sent.filter((s) => s.action !== 'DescribeEnvInfo' && s.action !== 'GetFunction');
}

test('reads functions, collections, indexes and rules', async () => {
  answers.GetFunction = (body) =>
    body.FunctionName === 'order'
      ? {
          ...ACTIVE,
          Runtime: 'Nodejs16.13',
          Timeout: 20,
          MemorySize: 256,
          Description: '',
          Environment: { Variables: [{ Key: BUNDLE_SHA_VARIABLE, Value: 'abc' }] },
          Triggers: [
            { Type: 'timer', TriggerName: 'sweep', TriggerDesc: '{"cron":"0 */5 * * * * *"}' },
            { Type: 'cos', TriggerName: 'upload', TriggerDesc: '{}' },
          ],
        }
      : { Error: { Code: 'ResourceNotFound.FunctionName', Message: 'function not found' } };
  answers.ListTables = () => ({ Tables: [{ TableName: 'orders' }, { TableName: 'notOurs' }], Pager: { Total: 2 } });
  answers.DescribeTable = () => ({
    Indexes: [
      { Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }], Unique: false },
      { Name: 'outTradeNo', Keys: [{ Name: 'outTradeNo', Direction: '1' }], Unique: true },
      {
        Name: 'owner_created',
        Keys: [
          { Name: '_openid', Direction: '1' },
          { Name: 'createdAt', Direction: '-1' },
        ],
        Unique: false,
      },
    ],
  });
  answers.DescribeSafeRule = () => ({ AclTag: 'CUSTOM', Rule: '{"read":"doc._openid == auth.openid","write":false}' });

  const state = await port().readState(['order', 'catalog'], ['orders', 'settings']);

  expect(state).toEqual({
    envId: ENV,
    functions: [
      {
        name: 'order',
        runtime: 'Nodejs16.13',
        timeoutSeconds: 20,
        memoryMb: 256,
        description: '',
        variables: { [BUNDLE_SHA_VARIABLE]: 'abc' },
        timers: [{ name: 'sweep', config: '0 */5 * * * * *' }],
      },
    ],
    collections: [
      {
        name: 'orders',
        indexes: [
          { name: 'outTradeNo', keys: { outTradeNo: 1 }, unique: true },
          { name: 'owner_created', keys: { _openid: 1, createdAt: -1 } },
        ],
        rule: { read: 'doc._openid == auth.openid', write: false },
      },
    ],
    storageAcl: 'READONLY',
  });
  expect(sent.filter((s) => s.action === 'DescribeStorageSafeRule')).toEqual([
    { service: 'tcb', action: 'DescribeStorageSafeRule', body: { EnvId: ENV, Bucket: '656e-env-1-1250000000' } },
  ]);
  expect(sent.find((s) => s.action === 'GetFunction')).toMatchObject({
    service: 'scf',
    body: { FunctionName: 'order', Namespace: ENV },
  });
  expect(sent.find((s) => s.action === 'ListTables')).toMatchObject({
    service: 'tcb',
    body: { EnvId: ENV, MgoLimit: 100, MgoOffset: 0, MongoConnector: { DatabaseName: 'tnt-db', InstanceId: 'flexdb' } },
  });
  expect(sent.filter((s) => s.action === 'DescribeSafeRule')).toEqual([
    { service: 'tcb', action: 'DescribeSafeRule', body: { EnvId: ENV, CollectionName: 'orders' } },
  ]);
});

test('a simple permission reads as no custom rule', async () => {
  answers.ListTables = () => ({ Tables: [{ TableName: 'settings' }], Pager: { Total: 1 } });
  answers.DescribeTable = () => ({ Indexes: [] });
  answers.DescribeSafeRule = () => ({ AclTag: 'ADMINONLY', Rule: null });
  const state = await port().readState([], ['settings']);
  expect(state.collections).toEqual([{ name: 'settings', indexes: [], rule: null }]);
});

test("sets the environment's storage permission on its bucket", async () => {
  answers.ModifyStorageSafeRule = () => ({});
  await port().setStorageAcl('ADMINONLY');
  expect(sent.filter((s) => s.action === 'ModifyStorageSafeRule')).toEqual([
    {
      service: 'tcb',
      action: 'ModifyStorageSafeRule',
      body: { EnvId: ENV, Bucket: '656e-env-1-1250000000', AclTag: 'ADMINONLY' },
    },
  ]);
});

test('creates a function with its runtime, timeout, memory, variables, description and zipped code', async () => {
  answers.CreateFunction = () => ({});
  await port().createFunction(order());
  const created = changes();
  expect(created.map((s) => s.action)).toEqual(['CreateFunction']);
  const body = created[0]?.body as Body & { Code: { ZipFile: string } };
  expect(body).toMatchObject({
    FunctionName: 'order',
    Namespace: ENV,
    Runtime: RUNTIME,
    Handler: 'index.main',
    Timeout: 20,
    MemorySize: 512,
    InstallDependency: 'TRUE',
    Description: permissionsNote(['wxa.sec.order.uploadShippingInfo']),
    Environment: {
      Variables: [
        { Key: 'MP_APP_SECRET', Value: 'app-secret' },
        { Key: BUNDLE_SHA_VARIABLE, Value: 'a'.repeat(64) },
      ],
    },
  });
  const zip = Buffer.from(body.Code.ZipFile, 'base64');
  expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
  expect(zip.includes('index.js')).toBe(true);
  expect(zip.includes('package.json')).toBe(true);
}, 15000);

test('uploads code asking the cloud to install the dependencies, waits, then sets the configuration', async () => {
  answers.UpdateFunctionCode = () => ({});
  answers.UpdateFunctionConfiguration = () => ({});
  const target = port();
  await target.updateFunctionCode(order());
  await target.updateFunctionConfig(order());
  const [code, config] = changes();
  expect(code).toMatchObject({
    service: 'scf',
    action: 'UpdateFunctionCode',
    body: { FunctionName: 'order', Namespace: ENV, Handler: 'index.main', InstallDependency: 'TRUE' },
  });
  expect((code?.body.Code as { ZipFile: string }).ZipFile.length).toBeGreaterThan(0);
  expect(config).toMatchObject({
    service: 'scf',
    action: 'UpdateFunctionConfiguration',
    body: {
      FunctionName: 'order',
      Namespace: ENV,
      Timeout: 20,
      MemorySize: 512,
      Description: permissionsNote(['wxa.sec.order.uploadShippingInfo']),
      Environment: {
        Variables: [
          { Key: 'MP_APP_SECRET', Value: 'app-secret' },
          { Key: BUNDLE_SHA_VARIABLE, Value: 'a'.repeat(64) },
        ],
      },
    },
  });
  // It waits for the dependency install before the configuration update, and for that update to finish.
  expect(sent.map((s) => s.action).filter((action) => action !== 'DescribeEnvInfo')).toEqual([
    'GetFunction',
    'UpdateFunctionCode',
    'GetFunction',
    'UpdateFunctionConfiguration',
    'GetFunction',
  ]);
}, 15000);

test('creates and deletes timer triggers', async () => {
  answers.BatchCreateTrigger = () => ({});
  answers.DeleteTrigger = () => ({});
  const target = port();
  await target.createTrigger('orderSweep', { name: 'orderSweep', config: '0 */5 * * * * *' });
  await target.deleteTrigger('orderSweep', 'old');
  expect(changes()).toEqual([
    {
      service: 'scf',
      action: 'BatchCreateTrigger',
      body: {
        FunctionName: 'orderSweep',
        Namespace: ENV,
        Triggers: JSON.stringify([{ TriggerName: 'orderSweep', Type: 'timer', TriggerDesc: '0 */5 * * * * *' }]),
        Count: 1,
      },
    },
    {
      service: 'scf',
      action: 'DeleteTrigger',
      body: { FunctionName: 'orderSweep', Namespace: ENV, TriggerName: 'old', Type: 'timer' },
    },
  ]);
});

test('creates a collection, its indexes and its custom security rule', async () => {
  answers.CreateTable = () => ({});
  answers.UpdateTable = () => ({});
  answers.ModifySafeRule = () => ({});
  const target = port();
  const connector = { DatabaseName: 'tnt-db', InstanceId: 'flexdb' };
  await target.createCollection('orders');
  await target.createIndex('orders', { name: 'owner_created', keys: { _openid: 1, createdAt: -1 } });
  await target.createIndex('orders', { name: 'outTradeNo', keys: { outTradeNo: 1 }, unique: true });
  await target.dropIndex('orders', 'legacy');
  await target.setRule('orders', { read: 'doc._openid == auth.openid', write: false });
  expect(changes()).toEqual([
    { service: 'tcb', action: 'CreateTable', body: { EnvId: ENV, MongoConnector: connector, TableName: 'orders' } },
    {
      service: 'tcb',
      action: 'UpdateTable',
      body: {
        EnvId: ENV,
        MongoConnector: connector,
        TableName: 'orders',
        CreateIndexes: [
          {
            IndexName: 'owner_created',
            MgoKeySchema: {
              MgoIndexKeys: [
                { Name: '_openid', Direction: '1' },
                { Name: 'createdAt', Direction: '-1' },
              ],
              MgoIsUnique: false,
            },
          },
        ],
      },
    },
    {
      service: 'tcb',
      action: 'UpdateTable',
      body: {
        EnvId: ENV,
        MongoConnector: connector,
        TableName: 'orders',
        CreateIndexes: [
          {
            IndexName: 'outTradeNo',
            MgoKeySchema: { MgoIndexKeys: [{ Name: 'outTradeNo', Direction: '1' }], MgoIsUnique: true },
          },
        ],
      },
    },
    {
      service: 'tcb',
      action: 'UpdateTable',
      body: { EnvId: ENV, MongoConnector: connector, TableName: 'orders', DropIndexes: [{ IndexName: 'legacy' }] },
    },
    {
      service: 'tcb',
      action: 'ModifySafeRule',
      body: {
        EnvId: ENV,
        CollectionName: 'orders',
        AclTag: 'CUSTOM',
        Rule: '{"read":"doc._openid == auth.openid","write":false}',
      },
    },
  ]);
});

test('a platform error reaches the caller with its code', async () => {
  answers.CreateTable = () => ({ Error: { Code: 'ResourceInUse', Message: 'table exists' } });
  await expect(port().createCollection('orders')).rejects.toMatchObject({ code: 'ResourceInUse' });
});

test.each([
  ['{"cron":"0 */5 * * * * *"}', '0 */5 * * * * *'],
  ['0 0 2 * * * *', '0 0 2 * * * *'],
])('cronOf(%s)', (desc, cron) => {
  expect(cronOf(desc)).toBe(cron);
});
