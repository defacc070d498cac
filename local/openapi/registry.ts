/** A way to make one API misbehave, for tests of callers' error paths. */
export interface ApiFault {
  /** The platform answers with a system error instead of calling the handler; the SDK call throws. */
  unavailable?: boolean;
  /** Milliseconds to wait before answering (or failing), to model a slow platform or trip a caller's timeout. */
  delayMs?: number;
}

export type ApiHandler<Context, Reply> = (context: Context) => Promise<Reply> | Reply;

/** What the registry decided for one call. */
export type ApiOutcome<Reply> = { kind: 'handled'; reply: Reply } | { kind: 'unregistered' } | { kind: 'unavailable' };

/**
 * The APIs one transport serves (`wx.openApi` or `wx.wxPayApi`), by API name. Sandboxes register their handlers here;
 * tests inject faults per name.
 */
export class ApiRegistry<Context, Reply> {
  private readonly handlers = new Map<string, ApiHandler<Context, Reply>>();
  private readonly faults = new Map<string, ApiFault>();

  /** Serves `apiName` with `handler`; returns a function that unregisters it. Registering a name twice is an error. */
  register(apiName: string, handler: ApiHandler<Context, Reply>): () => void {
    if (this.handlers.has(apiName)) throw new Error(`API ${apiName} is registered twice`);
    this.handlers.set(apiName, handler);
    return () => {
      if (this.handlers.get(apiName) === handler) this.handlers.delete(apiName);
    };
  }

  has(apiName: string): boolean {
    return this.handlers.has(apiName);
  }

  /** Makes `apiName` misbehave until `clearFault`; it applies whether or not a handler is registered. */
  setFault(apiName: string, fault: ApiFault): void {
    this.faults.set(apiName, { ...fault });
  }

  clearFault(apiName: string): void {
    this.faults.delete(apiName);
  }

  async dispatch(apiName: string, context: Context): Promise<ApiOutcome<Reply>> {
    const fault = this.faults.get(apiName);
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.unavailable) return { kind: 'unavailable' };
    const handler = this.handlers.get(apiName);
    if (!handler) return { kind: 'unregistered' };
    return { kind: 'handled', reply: await handler(context) };
  }
}
