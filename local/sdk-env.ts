/**
 * The environment that routes the unmodified wx-server-sdk and @cloudbase/node-sdk to a local cloud
 * (configuration B of docs/cloudbase-protocol.md §2): functions keep `cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })`.
 * `TENCENTCLOUD_RUNENV=SCF` also stops the SDK probing the metadata host before every request.
 */
export function sdkEnvironment(adminUrl: string, envId: string): Record<string, string> {
  return {
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: envId,
    TCB_ENV: envId,
    TENCENTCLOUD_SECRETID: 'local-secret-id',
    TENCENTCLOUD_SECRETKEY: 'local-secret-key',
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: adminUrl }),
    TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SEQID,TCB_SOURCE',
    SILENCE: 'true',
  };
}

/** Points this process's SDKs at the local cloud (scripts and tests that call the SDK directly, as an admin). */
export function useLocalCloudFromThisProcess(adminUrl: string, envId: string): void {
  Object.assign(process.env, sdkEnvironment(adminUrl, envId));
}
