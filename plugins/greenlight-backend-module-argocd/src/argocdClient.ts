import { ForwardedError, ResponseError } from '@backstage/errors';
import {
  Application,
  applicationListSchema,
  applicationSchema,
} from './application';
import { ArgocdInstance } from './config';

/**
 * Reads applications from one Argo CD server with its bearer token. Errors name the
 * instance and the path, never the token.
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

  /** The address of an application in the Argo CD UI. */
  applicationUrl(name: string) {
    return `${this.instance.baseUrl}/applications/${encodeURIComponent(name)}`;
  }

  private async get(path: string, signal?: AbortSignal): Promise<unknown> {
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
        e,
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
