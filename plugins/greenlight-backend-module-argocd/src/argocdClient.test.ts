import { ArgocdClient } from './argocdClient';
import { startFakeArgocd } from './__testUtils__/fakeArgocd';

const TOKEN = 'argocd-api-token';

describe('ArgocdClient', () => {
  it('says that a refused application may not exist, as Argo CD answers both alike, without the token', async () => {
    const argocd = await startFakeArgocd({
      token: TOKEN,
      byName: () => ({}),
      bySelector: () => ({}),
    });
    try {
      const client = new ArgocdClient({
        name: 'prod-cluster',
        baseUrl: argocd.baseUrl,
        token: TOKEN,
        environment: 'production',
      });
      const refused = client.getApplication('gone');
      await expect(refused).rejects.toThrow(
        'Argo CD prod-cluster refused application gone (403): it does not exist, or its token may not read it',
      );
      await expect(refused).rejects.not.toThrow(TOKEN);
      expect(argocd.requests).toEqual(['/api/v1/applications/gone']);
    } finally {
      await argocd.close();
    }
  });

  it('never shows nor stores a password written into baseUrl', async () => {
    const password = 'argo-basic-password';
    const argocd = await startFakeArgocd({
      token: TOKEN,
      byName: () => ({}),
      bySelector: () => ({}),
    });
    try {
      const client = new ArgocdClient({
        name: 'prod-cluster',
        baseUrl: argocd.baseUrl.replace('://', `://admin:${password}@`),
        token: TOKEN,
        environment: 'production',
      });
      const refused = client.listApplications('team=payments');
      await expect(refused).rejects.toThrow(
        "Argo CD prod-cluster: its baseUrl in greenlight.sources.argocd.instances carries a user name or password, which is never sent; remove it (the instance's token authenticates)",
      );
      await expect(refused).rejects.not.toThrow(password);
      await expect(client.getApplication('checkout')).rejects.not.toThrow(
        password,
      );
      expect(argocd.requests).toEqual([]);
      // The address a deployment records, and the UI shows.
      expect(client.applicationUrl('checkout')).toBe(
        `${argocd.baseUrl}/applications/checkout`,
      );
    } finally {
      await argocd.close();
    }
  });
});
