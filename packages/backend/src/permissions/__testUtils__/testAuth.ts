import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';

/** A static external-access token, in the shape of `backend.auth.externalAccess[].options`. */
export type StaticToken = {
  token: string;
  subject: string;
  accessRestrictions?: Array<{
    plugin: string;
    permission?: string | string[];
    permissionAttribute?: { action?: string | string[] };
  }>;
};

const OBO_PREFIX = 'test-obo:';
const list = (v?: string | string[]) =>
  v === undefined ? undefined : [v].flat();

/**
 * Backstage's mock auth, with the two things the permission path depends on made faithful:
 * a plugin calling on behalf of a user passes the user with the plugin as actor (as real
 * plugin-to-plugin tokens do, which the permission backend requires), and static tokens carry
 * their access restrictions for the plugin they call, the way external access resolves them.
 */
class TestAuth implements AuthService {
  private readonly inner: AuthService;

  constructor(
    private readonly pluginId: string,
    private readonly statics: StaticToken[],
  ) {
    this.inner = mockServices.auth({ pluginId });
  }

  async authenticate(token: string, options?: any): Promise<any> {
    if (token.startsWith(OBO_PREFIX)) {
      const { sub, actor, target } = JSON.parse(token.slice(OBO_PREFIX.length));
      if (target !== this.pluginId)
        throw new AuthenticationError(`token is for ${target}`);
      return mockCredentials.user(sub, { actor: { subject: actor } });
    }
    const external = this.statics.find(s => s.token === token);
    if (external) {
      if (!external.accessRestrictions)
        return mockCredentials.service(external.subject);
      const mine = external.accessRestrictions.filter(
        r => r.plugin === this.pluginId,
      );
      if (mine.length === 0) {
        throw new AuthenticationError(
          `This token may not access plugin ${this.pluginId}`,
        );
      }
      const names = mine.flatMap(r => list(r.permission) ?? []);
      const actions = mine.flatMap(
        r => list(r.permissionAttribute?.action) ?? [],
      );
      return mockCredentials.service(external.subject, {
        ...(names.length ? { permissionNames: names } : {}),
        ...(actions.length
          ? { permissionAttributes: { action: actions as any } }
          : {}),
      });
    }
    return this.inner.authenticate(token, options);
  }

  getNoneCredentials() {
    return this.inner.getNoneCredentials();
  }

  getOwnServiceCredentials() {
    return this.inner.getOwnServiceCredentials();
  }

  isPrincipal: AuthService['isPrincipal'] = ((
    credentials: BackstageCredentials,
    type: any,
  ) => this.inner.isPrincipal(credentials, type)) as AuthService['isPrincipal'];

  async getPluginRequestToken(options: {
    onBehalfOf: BackstageCredentials;
    targetPluginId: string;
  }) {
    const principal = options.onBehalfOf.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type === 'user') {
      const claims = {
        sub: principal.userEntityRef,
        actor: `plugin:${this.pluginId}`,
        target: options.targetPluginId,
      };
      return { token: `${OBO_PREFIX}${JSON.stringify(claims)}` };
    }
    return this.inner.getPluginRequestToken(options);
  }

  getLimitedUserToken(credentials: any) {
    return this.inner.getLimitedUserToken(credentials);
  }

  listPublicServiceKeys() {
    return this.inner.listPublicServiceKeys();
  }
}

class TestHttpAuth implements HttpAuthService {
  constructor(private readonly auth: TestAuth) {}

  async credentials(
    req: Parameters<HttpAuthService['credentials']>[0],
    options?: { allow?: string[] },
  ): Promise<any> {
    const header = req.headers.authorization;
    const token =
      typeof header === 'string'
        ? header.match(/^Bearer[ ]+(\S+)$/i)?.[1]
        : undefined;
    const credentials: BackstageCredentials<any> = token
      ? await this.auth.authenticate(token)
      : await this.auth.getNoneCredentials();
    const type = credentials.principal.type;
    if (!options?.allow || options.allow.includes(type)) return credentials;
    if (type === 'none') throw new AuthenticationError('Missing credentials');
    throw new NotAllowedError(
      `This endpoint does not allow '${type}' credentials`,
    );
  }

  async issueUserCookie() {
    return { expiresAt: new Date() };
  }
}

export function testAuthServices(statics: StaticToken[] = []) {
  return [
    createServiceFactory({
      service: coreServices.auth,
      deps: { plugin: coreServices.pluginMetadata },
      factory: ({ plugin }) => new TestAuth(plugin.getId(), statics),
    }),
    createServiceFactory({
      service: coreServices.httpAuth,
      deps: { plugin: coreServices.pluginMetadata },
      factory: ({ plugin }) =>
        new TestHttpAuth(new TestAuth(plugin.getId(), statics)),
    }),
  ];
}
