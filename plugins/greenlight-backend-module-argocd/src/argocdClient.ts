import { ForwardedError, ResponseError } from '@backstage/errors';
import {
  Application,
  applicationListSchema,
  applicationSchema,
} from './application';
import { ArgocdInstance } from './config';

/** The user name and password of a URL written in a text (`https://user:pw@host`). */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/** The text with the user name and password of every URL in it replaced by `[redacted]`. */
function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1[redacted]@');
}

function carriesCredentials(address: string): boolean {
  try {
    const url = new URL(address);
    return Boolean(url.username || url.password);
  } catch {
    return false;
  }
}

/** The URL without its user name and password, for addresses that are shown or stored. */
function withoutCredentials(address: string): string {
  if (!carriesCredentials(address)) return redactUrlCredentials(address);
  const url = new URL(address);
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/+$/, '');
}

/**
 * Reads applications from one Argo CD server with its bearer token. Errors name the
 * instance and the path, never the token nor a password written into `baseUrl`.
 */
export class ArgocdClient {
  constructor(private readonly instance: ArgocdInstance) {}

  async getApplication(
    name: string,
    signal?: AbortSignal,
  ): Promise<Application> {
    const path = `/api/v1/applications/${encodeURIComponent(name)}`;
    const body = await this.get(path, signal).catch(e => {
      // Asked without a project, Argo CD answers a missing application as one the token may
      // not read, so that callers cannot probe which exist: say both.
      if (e instanceof ResponseError && e.response.status === 403) {
        throw new Error(
          `Argo CD ${this.instance.name} refused application ${name} (403): it does not exist, or its token may not read it`,
        );
      }
      throw e;
    });
    const parsed = applicationSchema.safeParse(body);
    if (!parsed.success) throw this.unreadable(`application ${name}`, parsed);
    return parsed.data;
  }

  async listApplications(
    selector: string,
    signal?: AbortSignal,
  ): Promise<Application[]> {
    const body = await this.get(
      `/api/v1/applications?selector=${encodeURIComponent(selector)}`,
      signal,
    );
    const parsed = applicationListSchema.safeParse(body);
    if (!parsed.success)
      throw this.unreadable(`applications of ${selector}`, parsed);
    return parsed.data.items ?? [];
  }

  /** The address of an application in the Argo CD UI; it is stored and shown, so without credentials. */
  applicationUrl(name: string) {
    return `${withoutCredentials(
      this.instance.baseUrl,
    )}/applications/${encodeURIComponent(name)}`;
  }

  private async get(path: string, signal?: AbortSignal): Promise<unknown> {
    if (carriesCredentials(this.instance.baseUrl)) {
      // fetch refuses such a URL with an error that spells it out, password included.
      throw new Error(
        `Argo CD ${this.instance.name}: its baseUrl in greenlight.sources.argocd.instances carries a user name or password, which is never sent; remove it (the instance's token authenticates)`,
      );
    }
    let response: Response;
    try {
      response = await fetch(`${this.instance.baseUrl}${path}`, {
        headers: {
          Authorization: `Bearer ${this.instance.token}`,
          Accept: 'application/json',
        },
        signal,
      });
    } catch (e) {
      throw new ForwardedError(
        `Argo CD ${this.instance.name} could not be reached for ${path}`,
        withoutUrlCredentials(e),
      );
    }
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.json();
  }

  private unreadable(what: string, parsed: { error: { issues: any[] } }) {
    const issue = parsed.error.issues[0];
    return new Error(
      `Argo CD ${this.instance.name} answered ${what} in an unexpected shape: ${
        issue?.path?.join('.') || '(root)'
      }: ${issue?.message}`,
    );
  }
}

/** The error, or a copy of it whose message shows no URL's user name or password. */
function withoutUrlCredentials(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const message = redactUrlCredentials(error.message);
  if (message === error.message) return error;
  const copy = new Error(message);
  copy.name = error.name;
  return copy;
}
