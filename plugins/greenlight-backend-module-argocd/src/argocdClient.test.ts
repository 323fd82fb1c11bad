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
});
