/**
 * The annotations of the community Argo CD plugin for Backstage, read the same way: one
 * application by name, or every application a label selector picks, optionally on one
 * named instance.
 */
export const ARGOCD_ANNOTATIONS = {
  appName: 'argocd/app-name',
  appSelector: 'argocd/app-selector',
  instanceName: 'argocd/instance-name',
} as const;
